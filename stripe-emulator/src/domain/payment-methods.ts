export interface Decline {
  code: string
  decline_code: string
  message: string
}

/** What charging a test card leads to; `processing` is emulator-only (cards never process in Stripe). */
export type CardBehaviour =
  'succeed' | 'decline' | 'dispute' | 'refund_fail' | 'refund_pending' | 'processing'

/**
 * When the issuer asks for 3-D Secure (https://docs.stripe.com/testing#authentication-and-setup):
 * `always` on every payment; `unless_set_up` on every on-session payment, and off-session until the card was
 * set up for off-session use (saved by a payment with `setup_future_usage=off_session`); `on_session` only
 * on-session (the card counts as set up already). Off-session, a card that needs it is declined
 * `authentication_required`.
 */
export type Authentication = 'always' | 'unless_set_up' | 'on_session'

export interface TestCard {
  token: string
  brand: 'visa' | 'mastercard' | 'amex'
  last4: string
  funding: 'credit' | 'debit'
  behaviour: CardBehaviour
  decline?: Decline
  authentication?: Authentication
  /** Attaching it to a Customer is declined (Stripe verifies the card); pm_card_chargeCustomerFail attaches. */
  refusesAttach?: boolean
}

const declined = (decline_code: string, message: string, code = 'card_declined'): Decline => ({
  code,
  decline_code,
  message,
})

const VISA = { brand: 'visa', funding: 'credit' } as const

/** Stripe's test PaymentMethods (https://docs.stripe.com/testing#cards) that the emulator knows. */
const CARDS: Record<string, Omit<TestCard, 'token'>> = {
  pm_card_visa: { ...VISA, last4: '4242', behaviour: 'succeed' },
  pm_card_visa_debit: { brand: 'visa', last4: '5556', funding: 'debit', behaviour: 'succeed' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit', behaviour: 'succeed' },
  pm_card_amex: { brand: 'amex', last4: '8431', funding: 'credit', behaviour: 'succeed' },
  pm_card_chargeDeclined: {
    ...{ ...VISA, last4: '0002', behaviour: 'decline', refusesAttach: true },
    decline: declined('generic_decline', 'Your card was declined.'),
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    ...{ ...VISA, last4: '9995', behaviour: 'decline', refusesAttach: true },
    decline: declined('insufficient_funds', 'Your card has insufficient funds.'),
  },
  pm_card_chargeDeclinedLostCard: {
    ...{ ...VISA, last4: '9987', behaviour: 'decline', refusesAttach: true },
    decline: declined('lost_card', 'Your card was declined.'),
  },
  pm_card_chargeDeclinedExpiredCard: {
    ...{ ...VISA, last4: '0069', behaviour: 'decline', refusesAttach: true },
    decline: declined('expired_card', 'Your card has expired.', 'expired_card'),
  },
  pm_card_chargeDeclinedIncorrectCvc: {
    ...{ ...VISA, last4: '0127', behaviour: 'decline', refusesAttach: true },
    decline: declined('incorrect_cvc', "Your card's security code is incorrect.", 'incorrect_cvc'),
  },
  pm_card_chargeCustomerFail: {
    ...{ ...VISA, last4: '0341', behaviour: 'decline' },
    decline: declined('generic_decline', 'Your card was declined.'),
  },
  pm_card_authenticationRequired: {
    ...{ ...VISA, last4: '3184', behaviour: 'succeed' },
    authentication: 'always',
  },
  pm_card_authenticationRequiredOnSetup: {
    ...{ ...VISA, last4: '3155', behaviour: 'succeed' },
    authentication: 'unless_set_up',
  },
  pm_card_authenticationRequiredSetupForOffSession: {
    ...{ ...VISA, last4: '0446', behaviour: 'succeed' },
    authentication: 'on_session',
  },
  pm_card_authenticationRequiredChargeDeclinedInsufficientFunds: {
    ...{ ...VISA, last4: '3178', behaviour: 'decline', authentication: 'unless_set_up' },
    decline: declined('insufficient_funds', 'Your card has insufficient funds.'),
  },
  pm_card_createDispute: { ...VISA, last4: '0259', behaviour: 'dispute' },
  pm_card_refundFail: { ...VISA, last4: '5126', behaviour: 'refund_fail' },
  pm_card_pendingRefund: { ...VISA, last4: '7726', behaviour: 'refund_pending' },
  pm_emulator_processing: { ...VISA, last4: '4242', behaviour: 'processing' },
}

/** The same card number gives the same fingerprint in Stripe: here, one per test card's last4 and brand. */
export const fingerprintOf = (card: TestCard) => `emu${card.last4}${card.brand}`

export function testCard(token: string): TestCard | null {
  const card = CARDS[token]
  return card ? { token, ...card } : null
}

/**
 * Whether the issuer asks for authentication: on-session whenever the card has a 3-D Secure rule; off-session
 * for `always`, and for `unless_set_up` until the PaymentMethod was set up for off-session payments.
 */
export function needsAuthentication(card: TestCard, offSession: boolean, setUp: boolean): boolean {
  if (!card.authentication) return false
  if (!offSession) return true
  return card.authentication === 'always' || (card.authentication === 'unless_set_up' && !setUp)
}
