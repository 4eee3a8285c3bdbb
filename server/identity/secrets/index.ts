export { loadMasterKey, parseMasterKey, MASTER_KEY_BYTES, type MasterKey } from './master-key.ts';
export { createSealer, SealError, type Sealer } from './seal.ts';
export { randomSecret, hashSecret, constantTimeEqual, verifySecretHash } from './hash.ts';
