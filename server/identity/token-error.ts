/** Why a JWT was refused. Handlers map every reason to 401 in their API's shape; the reason goes to the log and the audit. */
export type TokenErrorReason =
  | 'malformed'
  | 'alg_not_allowed'
  | 'wrong_type'
  | 'unknown_kid'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'missing_claim';

export class TokenError extends Error {
  override name = 'TokenError';
  constructor(readonly reason: TokenErrorReason, message: string) {
    super(message);
  }
}
