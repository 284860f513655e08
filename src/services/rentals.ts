import { eq, sql } from 'drizzle-orm'
import { prepare, runBatch, runBatchNamed, selectRows, type Database } from '../db/client'
import { auditIfChanged } from './audit'
import { payments, rentals, type RentalStatus } from '../db/schema'
import type { AuthUser, Settings } from '../env'
import { authorizeRental, rentalRules } from '../domain/access'
import { ApiError } from '../lib/errors'
import { newId } from '../lib/ids'
import { jsonMapper, type JsonOf } from '../lib/json-columns'
import { pageForParties, type JsonList, type JsonPage, type PartySearch } from '../lib/pagination'
import { addMinutes, nowIso, todayUtc } from '../lib/time'
import { applyStripeIntent, type IntentDeps } from './apply-intent'
import { expireHolds } from './holds'
import { cancelIntent } from './payment-intents'
import { getListing } from './listings'
import { validateRentalDates } from './rental-dates'
import { MAX_CHARGE_AMOUNT } from '../lib/money'
import {
  cancelStatements,
  completeStatements,
  expireHoldsStatements,
  insertRentalStatement,
  openHoldsStatement,
  type RentalInsert,
} from './rental-statements'

export type Rental = typeof rentals.$inferSelect

export interface NewRental {
  listing_id: string
  start_date: string
  end_date: string
}

type RentalSettings = Pick<Settings, 'MAX_RENTAL_DAYS' | 'RENTAL_HOLD_MINUTES' | 'MAX_OPEN_HOLDS_PER_RENTER'>

export interface RentalDeps extends IntentDeps {
  settings: RentalSettings
}

export async function createRental(deps: RentalDeps, renterId: string, input: NewRental) {
  const now = new Date()
  const range = { start: input.start_date, end: input.end_date }
  const days = validateRentalDates(range, now, deps.settings.MAX_RENTAL_DAYS)
  const listing = await getListing(deps.db, input.listing_id)
  if (listing.ownerId === renterId) throw new ApiError('own_listing', 'You cannot rent your own listing')
  if (!listing.active) throw new ApiError('listing_inactive', 'This listing is not available for rent')
  if (listing.dailyRate * days > MAX_CHARGE_AMOUNT) {
    throw new ApiError(
      'amount_too_large',
      `daily_rate × days exceeds ${MAX_CHARGE_AMOUNT}, the most one card payment can be`,
      {
        errors: [
          { path: 'body.end_date', message: 'The rental is too expensive for one payment; book fewer days' },
        ],
      },
    )
  }
  const at = nowIso(now)
  const rental: RentalInsert = {
    id: newId('rnt'),
    listingId: listing.id,
    renterId,
    range,
    days,
    holdExpiresAt: addMinutes(at, deps.settings.RENTAL_HOLD_MINUTES),
    now: at,
    maxOpenHolds: deps.settings.MAX_OPEN_HOLDS_PER_RENTER,
  }
  const created = await insertRental(deps, rental)
  if (created) return created
  // Expired holds on these dates whose PaymentIntents may still be paid: canceled at Stripe, then one retry.
  const scope = { listingId: listing.id, range }
  if ((await expireHolds(deps, at, 'api', { scope, limit: 10 })).length) {
    const retried = await insertRental(deps, rental)
    if (retried) return retried
  }
  throw await refusal(deps.db, rental)
}

/** One batch: expire the overlapping holds that can go, insert if nothing else holds the dates, read back. */
async function insertRental(deps: RentalDeps, rental: RentalInsert) {
  const { db } = deps
  const scope = { listingId: rental.listingId, range: rental.range }
  const { created } = await runBatchNamed(
    db,
    [
      ...expireHoldsStatements(db, rental.now, 'api', scope),
      insertRentalStatement(db, rental),
      auditIfChanged(db, 'rental', rental.id, {
        to: 'pending',
        source: 'api',
        actorId: rental.renterId,
        now: rental.now,
      }),
    ],
    { created: selectRows(db, rentals, sql`id = ${rental.id}`) },
  )
  return created.results[0] as Rental | undefined
}

/** Why the database refused a booking: listing deactivated meanwhile, the renter's holds, or dates taken. */
async function refusal(db: Database, rental: RentalInsert): Promise<ApiError> {
  const [listing, holds] = await runBatch(db, [
    prepare(db, sql`SELECT active FROM listings WHERE id = ${rental.listingId}`),
    openHoldsStatement(db, rental),
  ])
  if (!(listing!.results[0] as { active: number } | undefined)?.active) {
    return new ApiError('listing_inactive', 'This listing is not available for rent')
  }
  const open = holds!.results[0] as { open: number; onListing: number }
  if (open.onListing > 0) {
    return new ApiError(
      'rental_hold_exists',
      'You already hold unpaid dates on this listing; pay for them or cancel them first',
    )
  }
  if (open.open >= rental.maxOpenHolds) {
    return new ApiError(
      'rental_hold_limit',
      `You already hold ${open.open} unpaid rentals, the most at once; pay for or cancel one first`,
    )
  }
  return new ApiError('listing_unavailable', 'The listing is already booked for some of these dates')
}

/** A rental that `user` may `action` (domain/access.ts decides: 404 to strangers, 403 to the wrong party). */
export async function rentalFor(
  db: Database,
  user: AuthUser,
  id: string,
  action: keyof typeof rentalRules = 'read',
): Promise<Rental> {
  const rental = await db.query.rentals.findFirst({ where: eq(rentals.id, id) })
  authorizeRental(user, rental, action)
  return rental
}

/**
 * The renter or the owner cancels a pending rental. Its PaymentIntent, if any, is canceled at Stripe first:
 * if Stripe says the renter has paid (or the payment is processing), the payment is applied and the rental is
 * paid, not cancelled (409 rental_already_paid). An unreachable Stripe cancels nothing (503). A payment
 * Backline already knows is processing or completed is refused at once (409 rental_not_cancellable).
 */
export async function cancelRental(deps: IntentDeps, user: AuthUser, id: string): Promise<Rental> {
  const { db } = deps
  const rental = await rentalFor(db, user, id, 'cancel')
  if (rental.status === 'pending') await cancelPayableIntent(deps, rental)
  const reason = rental.renterId === user.id ? 'cancelled_by_renter' : 'cancelled_by_owner'
  const now = nowIso()
  const [audit, update] = cancelStatements(db, { id, reason, actorId: user.id }, now)
  const read = await runBatchNamed(db, [audit], { update, after: selectRows(db, rentals, sql`id = ${id}`) })
  if (read.update.meta.changes !== 1) {
    throw new ApiError(
      'rental_not_cancellable',
      'Only a pending rental without a payment under way can be cancelled',
    )
  }
  return read.after.results[0] as Rental
}

async function cancelPayableIntent(deps: IntentDeps, rental: Rental) {
  const payment = await deps.db.query.payments.findFirst({ where: eq(payments.rentalId, rental.id) })
  const intentId = payment?.stripePaymentIntentId
  if (!payment || !intentId || !['pending', 'failed'].includes(payment.status)) return
  if (payment.status === 'failed' && payment.failureCode === 'canceled') return
  const intent = await cancelIntent(deps.stripe, intentId)
  const applied = await applyStripeIntent(deps, { payment, intent, source: 'api' })
  if (intent.status === 'succeeded' || intent.status === 'processing') {
    throw new ApiError(
      'rental_already_paid',
      `The renter has already paid for this rental (payment ${applied.payment.status}); refund it instead`,
    )
  }
}

/** The owner marks the instrument returned: an active rental, on or after its start date. */
export async function completeRental(db: Database, user: AuthUser, id: string): Promise<Rental> {
  const rental = await rentalFor(db, user, id, 'return')
  const today = todayUtc()
  if (rental.status === 'active' && rental.startDate > today) {
    throw new ApiError(
      'rental_not_started',
      `The rental starts on ${rental.startDate}; it cannot be returned before`,
    )
  }
  const now = nowIso()
  const [audit, update] = completeStatements(db, { id, actorId: user.id, today }, now)
  const read = await runBatchNamed(db, [audit], { update, after: selectRows(db, rentals, sql`id = ${id}`) })
  if (read.update.meta.changes !== 1)
    throw new ApiError('rental_not_completable', 'Only an active rental can be completed')
  return read.after.results[0] as Rental
}

/** For the cron: cancels every pending rental whose hold expired unpaid, and returns their ids. */
export const expireRentalHolds = (deps: IntentDeps, now: Date = new Date()) =>
  expireHolds(deps, nowIso(now), 'reconciler', { limit: 50 })

export type RentalSearch = PartySearch<RentalStatus>

/** Newest first, as renter, as owner, or both, each item already JSON (pageForParties). */
export function listRentals(
  db: Database,
  userId: string,
  search: RentalSearch,
): Promise<JsonPage<RentalJson>> {
  return pageForParties(db, rentalList, userId, search)
}

/** A rental as the API shows it: JSON key → column, in answer order. */
const rentalColumns = {
  id: rentals.id,
  listing_id: rentals.listingId,
  renter_id: rentals.renterId,
  owner_id: rentals.ownerId,
  start_date: rentals.startDate,
  end_date: rentals.endDate,
  days: rentals.days,
  daily_rate: rentals.dailyRate,
  amount: rentals.amount,
  currency: rentals.currency,
  deposit_amount: rentals.depositAmount,
  status: rentals.status,
  hold_expires_at: rentals.holdExpiresAt,
  cancel_reason: rentals.cancelReason,
  cancelled_at: rentals.cancelledAt,
  completed_at: rentals.completedAt,
  created_at: rentals.createdAt,
  updated_at: rentals.updatedAt,
}

export type RentalJson = JsonOf<typeof rentalColumns>

export const toRentalJson = jsonMapper<typeof rentalColumns, Rental>(rentals, rentalColumns)

/** The same fields for GET /api/rentals, written by SQLite (rentals.test.ts checks they agree). */
export const rentalList: JsonList<typeof rentalColumns> = { table: rentals, columns: rentalColumns }
