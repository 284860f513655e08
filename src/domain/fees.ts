/**
 * The platform fee split, in integer minor units. PLATFORM_FEE_PERCENT may have up to two decimals
 * (12.5 → 1250 basis points). Rounding rule: the fee is rounded half up to the nearest minor unit; the owner
 * gets the remainder, so platform_fee + owner_payout_amount always equals the amount (the database enforces
 * it too). Zero-decimal currencies (jpy, krw, …) follow the same rule: their minor unit is the whole yen.
 *
 *   10% of 2 999 cents → fee 300 (299.9 rounds up), payout 2 699
 *   10% of ¥1 005      → fee ¥101 (100.5 rounds half up), payout ¥904
 */
export interface FeeSplit {
  platformFee: number
  ownerPayoutAmount: number
}

export function splitPlatformFee(amount: number, feePercent: number): FeeSplit {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError('amount must be a non-negative integer')
  const basisPoints = Math.round(feePercent * 100)
  if (basisPoints < 0 || basisPoints > 10_000) throw new RangeError('fee percent must be within 0..100')
  // amount ≤ 10^8 and basisPoints ≤ 10^4 keep the product far below 2^53: exact integer arithmetic.
  const platformFee = Math.floor((amount * basisPoints + 5_000) / 10_000)
  return { platformFee, ownerPayoutAmount: amount - platformFee }
}
