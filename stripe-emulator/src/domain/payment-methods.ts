export interface Decline {
  code: string
  decline_code: string
  message: string
}

/** What confirming with a test card leads to; `processing` is emulator-only (cards never process in Stripe). */
export type CardBehaviour =
  'succeed' | 'decline' | 'authenticate' | 'dispute' | 'refund_fail' | 'refund_pending' | 'processing'

export interface TestCard {
  token: string
  brand: 'visa' | 'mastercard' | 'amex'
  last4: string
  funding: 'credit' | 'debit'
  behaviour: CardBehaviour
  decline?: Decline
}

const declined = (decline_code: string, message: string, code = 'card_declined'): Decline => ({
  code,
  decline_code,
  message,
})

/** Stripe's test PaymentMethods (https://docs.stripe.com/testing#cards) that the emulator knows. */
const CARDS: Record<string, Omit<TestCard, 'token'>> = {
  pm_card_visa: { brand: 'visa', last4: '4242', funding: 'credit', behaviour: 'succeed' },
  pm_card_visa_debit: { brand: 'visa', last4: '5556', funding: 'debit', behaviour: 'succeed' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit', behaviour: 'succeed' },
  pm_card_amex: { brand: 'amex', last4: '8431', funding: 'credit', behaviour: 'succeed' },
  pm_card_chargeDeclined: {
    ...{ brand: 'visa', last4: '0002', funding: 'credit', behaviour: 'decline' },
    decline: declined('generic_decline', 'Your card was declined.'),
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    ...{ brand: 'visa', last4: '9995', funding: 'credit', behaviour: 'decline' },
    decline: declined('insufficient_funds', 'Your card has insufficient funds.'),
  },
  pm_card_chargeDeclinedLostCard: {
    ...{ brand: 'visa', last4: '9987', funding: 'credit', behaviour: 'decline' },
    decline: declined('lost_card', 'Your card was declined.'),
  },
  pm_card_chargeDeclinedExpiredCard: {
    ...{ brand: 'visa', last4: '0069', funding: 'credit', behaviour: 'decline' },
    decline: declined('expired_card', 'Your card has expired.', 'expired_card'),
  },
  pm_card_chargeDeclinedIncorrectCvc: {
    ...{ brand: 'visa', last4: '0127', funding: 'credit', behaviour: 'decline' },
    decline: declined('incorrect_cvc', "Your card's security code is incorrect.", 'incorrect_cvc'),
  },
  pm_card_authenticationRequired: {
    brand: 'visa',
    last4: '3184',
    funding: 'credit',
    behaviour: 'authenticate',
  },
  pm_card_createDispute: { brand: 'visa', last4: '0259', funding: 'credit', behaviour: 'dispute' },
  pm_card_refundFail: { brand: 'visa', last4: '5126', funding: 'credit', behaviour: 'refund_fail' },
  pm_card_pendingRefund: { brand: 'visa', last4: '7726', funding: 'credit', behaviour: 'refund_pending' },
  pm_emulator_processing: { brand: 'visa', last4: '4242', funding: 'credit', behaviour: 'processing' },
}

export function testCard(token: string): TestCard | null {
  const card = CARDS[token]
  return card ? { token, ...card } : null
}
