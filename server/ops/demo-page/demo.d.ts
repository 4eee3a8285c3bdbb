// Types of demo.js, the demo relying party's module (it runs in the browser; the tests import it in Node).
export interface DemoConfig {
  issuer: string;
  clientId: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  scope: string;
}
export function b64u(bytes: Uint8Array): string;
export function randomToken(size?: number): string;
export function pkcePair(): Promise<{ verifier: string; challenge: string }>;
export function authorizeUrl(cfg: DemoConfig, input: { challenge: string; state: string; nonce: string }): string;
export function exchangeCode(
  cfg: DemoConfig,
  input: { code: string; verifier: string },
  fetchImpl?: typeof fetch,
): Promise<{ access_token: string; id_token: string; token_type: string; expires_in: number; refresh_token?: string; scope: string }>;
export function decodeClaims(idToken: string): Record<string, unknown>;
export function checkClaims(cfg: DemoConfig, claims: Record<string, unknown>, nonce: string, now?: number): string[];
export function logoutUrl(cfg: DemoConfig, idToken: string, state: string): string;
