import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'

const CARD_DATA =
  /card.?(number|num|no)|^pan$|cvc|cvv|cvn|security.?code|expiry|expiration|exp.?(month|year)|card.?holder|holder.?name|name.?on.?card|track.?data|magstripe/i

describe('D1 schema', () => {
  it('has no column that could hold card numbers, CVC, expiry dates or cardholder names', async () => {
    const tables = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
    ).all<{ name: string }>()
    expect(tables.results.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'users',
        'instruments',
        'listings',
        'rentals',
        'payments',
        'refunds',
        'stripe_events',
      ]),
    )
    const columns: string[] = []
    for (const { name } of tables.results) {
      const info = await env.DB.prepare(`SELECT name FROM pragma_table_info(?)`)
        .bind(name)
        .all<{ name: string }>()
      columns.push(...info.results.map((column) => `${name}.${column.name}`))
    }
    expect(columns.length).toBeGreaterThan(40)
    expect(columns.filter((column) => CARD_DATA.test(column.split('.')[1]!))).toEqual([])
  })

  it('the detector itself ignores ordinary columns and catches the ones it is meant to catch', () => {
    expect(CARD_DATA.test('hold_expires_at')).toBe(false)
    for (const bad of [
      'card_number',
      'cvc',
      'cvv',
      'exp_month',
      'expiry_date',
      'expiration',
      'cardholder_name',
      'name_on_card',
    ]) {
      expect(CARD_DATA.test(bad), bad).toBe(true)
    }
  })

  it('keeps fee plus payout equal to the amount, enforced by the database', async () => {
    await expect(
      env.DB.prepare(
        "INSERT INTO payments (id, rental_id, renter_id, owner_id, amount, currency, status, platform_fee, owner_payout_amount, created_at, updated_at) VALUES ('pay_x', 'rnt_x', 'usr_x', 'usr_y', 1000, 'usd', 'pending', 100, 901, 'now', 'now')",
      ).run(),
    ).rejects.toThrow(/CHECK constraint failed/)
  })
})
