/** Shared by the SCIM tests: the PatchOp and Error message schemas. */

export const PATCH_OP = ['urn:ietf:params:scim:api:messages:2.0:PatchOp'];
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
