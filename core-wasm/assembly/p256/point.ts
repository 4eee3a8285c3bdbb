// P-256 group arithmetic: y^2 = x^3 - 3x + b over F_p (SP 800-186 §3.2.1.3).
//
// Points are Jacobian (X, Y, Z) with x = X/Z^2, y = Y/Z^3, coordinates in Montgomery form
// (field.ts); 216 bytes: X at 0, Y at 72, Z at 144. The point at infinity is Z = 0 (all limbs
// zero): it is only ever produced by pointSetInf, never by arithmetic on finite points, because
// the addition formulas below branch on the exceptional cases (P = Q, P = -Q, either infinite)
// before they would multiply Z by zero. Doubling never meets y = 0: the group has prime order,
// so there is no point of order 2.
//
// All of this is variable-time (branches and table indices depend on the scalars): ECDSA
// verification handles only public values.

import {
  FE, fmul, fsqr, fadd, fsub, flin, fsub2, fcopy, fsetZero, fisZero, ONE,
} from './field';

export const PT: usize = 3 * FE; // Jacobian point
export const AFF: usize = 2 * FE; // affine point (x, y)

// @ts-ignore: decorator
@inline function X(p: usize): usize { return p; }
// @ts-ignore: decorator
@inline function Y(p: usize): usize { return p + FE; }
// @ts-ignore: decorator
@inline function Z(p: usize): usize { return p + 2 * FE; }

export function pointSetInf(r: usize): void {
  fsetZero(X(r));
  fsetZero(Y(r));
  fsetZero(Z(r));
}

/** True for the Z = 0 representation of infinity (see the header: never reached otherwise). */
export function pointIsInf(p: usize): bool {
  let acc: i64 = 0;
  for (let i: usize = 0; i < 9; i++) acc |= load<i64>(Z(p) + (i << 3));
  return acc == 0;
}

export function pointCopy(r: usize, p: usize): void {
  memory.copy(r, p, PT);
}

/** r = (x, y, 1) from an affine point. */
export function pointFromAffine(r: usize, a: usize): void {
  fcopy(X(r), a);
  fcopy(Y(r), a + FE);
  fcopy(Z(r), ONE);
}

// Temporaries of pointDouble (its own set: pointAdd calls it).
const D_DELTA: usize = memory.data(72, 8);
const D_GAMMA: usize = memory.data(72, 8);
const D_BETA: usize = memory.data(72, 8);
const D_ALPHA: usize = memory.data(72, 8);
const D_T: usize = memory.data(72, 8);

/**
 * r = 2p, "dbl-2001-b" for a = -3 (Bernstein–Lange EFD): 3M + 5S.
 * alpha = 3(X - Z^2)(X + Z^2) uses a = -3. r may alias p. The small-constant steps are fused
 * (flin, fsub2): 7 normalisations instead of 11.
 */
export function pointDouble(r: usize, p: usize): void {
  if (pointIsInf(p)) {
    if (r != p) pointSetInf(r);
    return;
  }
  fsqr(D_DELTA, Z(p)); // delta = Z^2
  fsqr(D_GAMMA, Y(p)); // gamma = Y^2
  fmul(D_BETA, X(p), D_GAMMA); // beta = X·gamma
  flin(D_T, X(p), 3, D_DELTA, 3);
  fadd(D_ALPHA, X(p), D_DELTA);
  fmul(D_ALPHA, D_T, D_ALPHA); // alpha = 3(X - delta)(X + delta)
  // Z3 = (Y + Z)^2 - gamma - delta (before Y and Z are overwritten)
  fadd(D_T, Y(p), Z(p));
  fsqr(D_T, D_T);
  fsub2(Z(r), D_T, D_GAMMA, D_DELTA, 1);
  // X3 = alpha^2 - 8 beta
  fsqr(D_T, D_ALPHA);
  flin(X(r), D_T, 1, D_BETA, 8);
  // Y3 = alpha(4 beta - X3) - 8 gamma^2
  flin(D_BETA, D_BETA, 4, X(r), 1);
  fmul(D_BETA, D_ALPHA, D_BETA);
  fsqr(D_GAMMA, D_GAMMA);
  flin(Y(r), D_BETA, 1, D_GAMMA, 8);
}

// Temporaries of the additions.
const A_Z1Z1: usize = memory.data(72, 8);
const A_Z2Z2: usize = memory.data(72, 8);
const A_U1: usize = memory.data(72, 8);
const A_U2: usize = memory.data(72, 8);
const A_S1: usize = memory.data(72, 8);
const A_S2: usize = memory.data(72, 8);
const A_H: usize = memory.data(72, 8);
const A_R: usize = memory.data(72, 8);
const A_HH: usize = memory.data(72, 8);
const A_HHH: usize = memory.data(72, 8);
const A_V: usize = memory.data(72, 8);

// Shared tail of both additions, given U1, S1, H = U2 - U1, R = S2 - S1 (all nonzero H):
// X3 = R^2 - H^3 - 2·U1·H^2, Y3 = R(U1·H^2 - X3) - S1·H^3. Z3 is set by the caller.
function addTail(r: usize): void {
  fsqr(A_HH, A_H);
  fmul(A_HHH, A_H, A_HH);
  fmul(A_V, A_U1, A_HH);
  fsqr(A_U2, A_R);
  fsub2(X(r), A_U2, A_HHH, A_V, 2);
  fsub(A_V, A_V, X(r));
  fmul(A_V, A_R, A_V);
  fmul(A_S2, A_S1, A_HHH);
  fsub(Y(r), A_V, A_S2);
}

/**
 * r = p + q with q affine (Z2 = 1): 8M + 3S. r may alias p. Handles p = infinity, p = q
 * (doubles) and p = -q (infinity), which a crafted key or signature can make happen.
 */
export function pointAddAffine(r: usize, p: usize, q: usize): void {
  if (pointIsInf(p)) {
    pointFromAffine(r, q);
    return;
  }
  fsqr(A_Z1Z1, Z(p));
  fmul(A_U2, q, A_Z1Z1); // U2 = x2·Z1^2
  fmul(A_S2, Z(p), A_Z1Z1);
  fmul(A_S2, q + FE, A_S2); // S2 = y2·Z1^3
  fsub(A_H, A_U2, X(p));
  fsub(A_R, A_S2, Y(p));
  if (fisZero(A_H)) {
    if (fisZero(A_R)) pointDouble(r, p);
    else pointSetInf(r);
    return;
  }
  fcopy(A_U1, X(p));
  fcopy(A_S1, Y(p));
  fmul(Z(r), Z(p), A_H); // Z3 = Z1·H (Z1 no longer needed)
  addTail(r);
}

/** r = p + q, both Jacobian ("add-1998-cmo-2"): 12M + 4S. r may alias p (not q). */
export function pointAdd(r: usize, p: usize, q: usize): void {
  if (pointIsInf(q)) {
    if (r != p) pointCopy(r, p);
    return;
  }
  if (pointIsInf(p)) {
    pointCopy(r, q);
    return;
  }
  fsqr(A_Z1Z1, Z(p));
  fsqr(A_Z2Z2, Z(q));
  fmul(A_U1, X(p), A_Z2Z2); // U1 = X1·Z2^2
  fmul(A_U2, X(q), A_Z1Z1); // U2 = X2·Z1^2
  fmul(A_S1, Z(q), A_Z2Z2);
  fmul(A_S1, Y(p), A_S1); // S1 = Y1·Z2^3
  fmul(A_S2, Z(p), A_Z1Z1);
  fmul(A_S2, Y(q), A_S2); // S2 = Y2·Z1^3
  fsub(A_H, A_U2, A_U1);
  fsub(A_R, A_S2, A_S1);
  if (fisZero(A_H)) {
    if (fisZero(A_R)) pointDouble(r, p);
    else pointSetInf(r);
    return;
  }
  fmul(Z(r), Z(p), Z(q));
  fmul(Z(r), Z(r), A_H); // Z3 = Z1·Z2·H
  addTail(r);
}

/** r = -p (Jacobian). r may alias p. */
export function pointNeg(r: usize, p: usize): void {
  if (r != p) {
    fcopy(X(r), X(p));
    fcopy(Z(r), Z(p));
  }
  fsetZero(D_T);
  fsub(Y(r), D_T, Y(p));
}
