import { DurableObject } from 'cloudflare:workers'
import { handleApi } from './api/router'
import { handleOnboarding } from './control/onboarding'
import { expireHolds, nextExpiry } from './domain/holds'
import { ONBOARDING_PREFIX } from './domain/account-links'
import { type ControlHost, handleControl } from './control/routes'
import { NAMESPACE_HEADER } from './lib/namespace'
import { Store } from './store/store'
import { type Delivery, type Endpoint, nextAttemptAt } from './webhooks/outbox'
import { type PushTargets, pushDue } from './webhooks/push'

export interface EmulatorEnv {
  STATE: DurableObjectNamespace<EmulatorState>
  STRIPE_WEBHOOK_SECRET?: string
  WEBHOOK_URL?: string
  /** Signs the deliveries of connected accounts' events (the Connect endpoint's own secret). */
  STRIPE_CONNECT_WEBHOOK_SECRET?: string
  /** Where connected accounts' events are pushed (the API's Connect webhook route). */
  CONNECT_WEBHOOK_URL?: string
  /** The origin a browser reaches the emulator at, for onboarding links; else the request's own origin. */
  EMULATOR_PUBLIC_URL?: string
}

/** All emulator state: one instance, so every request sees one consistent Stripe account. */
export class EmulatorState extends DurableObject<EmulatorEnv> implements ControlHost {
  readonly store: Store
  private delivering: Promise<Delivery[]> = Promise.resolve([])

  constructor(ctx: DurableObjectState, env: EmulatorEnv) {
    super(ctx, env)
    this.store = Store.open(ctx.storage.sql)
  }

  get secret(): string {
    return this.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_emulator'
  }

  get connectSecret(): string {
    return this.env.STRIPE_CONNECT_WEBHOOK_SECRET ?? 'whsec_connect_backline_emulator'
  }

  webhookUrl(): string | null {
    return this.store.getConfig('webhook_url') ?? (this.env.WEBHOOK_URL || null)
  }

  connectWebhookUrl(): string | null {
    return this.store.getConfig('connect_webhook_url') ?? (this.env.CONNECT_WEBHOOK_URL || null)
  }

  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    const origin = (this.env.EMULATOR_PUBLIC_URL || url.origin).replace(/\/$/, '')
    const namespace = request.headers.get(NAMESPACE_HEADER)
    // Holds the emulator clock has passed expire before anything reads them.
    expireHolds(this.store)
    const response = url.pathname.startsWith(ONBOARDING_PREFIX)
      ? await handleOnboarding(this.store, request)
      : url.pathname.startsWith('/_emulator/')
        ? await handleControl(this, request)
        : await handleApi(this.store, request, { origin, namespace })
    await this.scheduleAlarm()
    return response
  }

  override async alarm(): Promise<void> {
    expireHolds(this.store)
    if (this.store.getConfig('auto_deliver') !== 'false') await this.deliver(false)
    await this.scheduleAlarm()
  }

  private targets(): PushTargets {
    const targets: PushTargets = {}
    const platform = this.webhookUrl()
    const connect = this.connectWebhookUrl()
    if (platform) targets.platform = { url: platform, secret: this.secret }
    if (connect) targets.connect = { url: connect, secret: this.connectSecret }
    return targets
  }

  /** Sends due deliveries; runs one at a time so an alarm and a control never send the same one twice. */
  deliver(force: boolean): Promise<Delivery[]> {
    const targets = this.targets()
    if (!targets.platform && !targets.connect) return Promise.resolve([])
    const run = () => pushDue(this.store, targets, force)
    this.delivering = this.delivering.then(run, run)
    return this.delivering
  }

  /** When a delivery is due (with a webhook URL and auto_deliver), or a hold lapses (its events then). */
  private nextAlarmAt(): number | null {
    const endpoints = Object.keys(this.targets()) as Endpoint[]
    const delivering = endpoints.length > 0 && this.store.getConfig('auto_deliver') !== 'false'
    const times = [delivering ? nextAttemptAt(this.store, endpoints) : null, nextExpiry(this.store)]
    const due = times.filter((at): at is number => at !== null)
    return due.length > 0 ? Math.min(...due) : null
  }

  private async scheduleAlarm(): Promise<void> {
    const at = this.nextAlarmAt()
    if (at === null) return
    const delayMs = Math.max(0, at - this.store.now()) * 1000
    const current = await this.ctx.storage.getAlarm()
    const target = Date.now() + delayMs
    if (current === null || current > target) await this.ctx.storage.setAlarm(target)
  }
}
