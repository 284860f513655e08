import { DurableObject } from 'cloudflare:workers'
import { handleApi } from './api/router'
import { type ControlHost, handleControl } from './control/routes'
import { Store } from './store/store'
import { type Delivery, nextAttemptAt } from './webhooks/outbox'
import { pushDue } from './webhooks/push'

export interface EmulatorEnv {
  STATE: DurableObjectNamespace<EmulatorState>
  STRIPE_WEBHOOK_SECRET?: string
  WEBHOOK_URL?: string
}

/** All emulator state: one instance, so every request sees one consistent Stripe account. */
export class EmulatorState extends DurableObject<EmulatorEnv> implements ControlHost {
  readonly store: Store
  private delivering: Promise<Delivery[]> = Promise.resolve([])

  constructor(ctx: DurableObjectState, env: EmulatorEnv) {
    super(ctx, env)
    this.store = new Store(ctx.storage.sql)
  }

  get secret(): string {
    return this.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_emulator'
  }

  webhookUrl(): string | null {
    return this.store.getConfig('webhook_url') ?? (this.env.WEBHOOK_URL || null)
  }

  override async fetch(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url)
    const response = pathname.startsWith('/_emulator/')
      ? await handleControl(this, request)
      : await handleApi(this.store, request)
    await this.scheduleDelivery()
    return response
  }

  override async alarm(): Promise<void> {
    if (this.store.getConfig('auto_deliver') !== 'false') await this.deliver(false)
    await this.scheduleDelivery()
  }

  /** Sends due deliveries; runs one at a time so an alarm and a control never send the same one twice. */
  deliver(force: boolean): Promise<Delivery[]> {
    const url = this.webhookUrl()
    if (!url) return Promise.resolve([])
    const run = () => pushDue(this.store, { url, secret: this.secret }, force)
    this.delivering = this.delivering.then(run, run)
    return this.delivering
  }

  private async scheduleDelivery(): Promise<void> {
    const at = nextAttemptAt(this.store)
    if (!this.webhookUrl() || this.store.getConfig('auto_deliver') === 'false' || at === null) return
    const delayMs = Math.max(0, at - this.store.now()) * 1000
    const current = await this.ctx.storage.getAlarm()
    const target = Date.now() + delayMs
    if (current === null || current > target) await this.ctx.storage.setAlarm(target)
  }
}
