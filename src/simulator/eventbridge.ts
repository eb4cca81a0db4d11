// The EventBridge rule an account sets up once for Model Studio's completion events (wan30-contract.md
// §B), simulated: every Model Studio task that succeeds or fails is POSTed to the rule's HTTP target as a
// CloudEvent of type `dashscope:System:AsyncTaskFinish`, signed as EventBridge signs (v2: SHA256withRSA
// over the target URL, the signature headers and the body; the certificate's URL in a header) with this
// simulator's own key, whose public half it serves at /_sim/eventbridge/cert.pem. Written from
// EventBridge's docs, not from wanflow's verifier. Deliveries retry and, by fault, are dropped or sent
// twice; a canceled task sends nothing, as the rule fires on success and failure only.
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { SimTask } from './task-table';
import type { TaskStatus } from '../wan/tasks';
import { deliverWhenDone, type DeliveryHost } from './webhook-delivery';

export const EVENTBRIDGE_CERT_PATH = '/_sim/eventbridge/cert.pem';

export interface EventTarget {
  url: string;
  /** The token the target was given in the console: sent and signed with every delivery. */
  token?: string;
}

export class EventBridgeRule {
  private target?: EventTarget;
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  constructor(private readonly host: DeliveryHost & { publicUrl(): string }) {}

  setTarget(target: EventTarget | undefined): void {
    this.target = target;
  }

  get certificatePem(): string {
    return this.keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** Sends the task's event once it has ended, if a target is set now. */
  watch(task: SimTask, region: string): void {
    const target = this.target;
    if (!target) return;
    deliverWhenDone(
      this.host,
      task,
      {
        url: target.url,
        counts: 'eventsSent',
        fires: (status) => status === 'SUCCEEDED' || status === 'FAILED',
        body: (t, status) => Buffer.from(JSON.stringify(this.event(t, status, region))),
        headers: (body) => this.signed(target, body),
      },
      5,
    );
  }

  private event(t: SimTask, status: TaskStatus, region: string) {
    return {
      id: randomUUID(),
      source: 'acs.dashscope',
      specversion: '1.0',
      type: 'dashscope:System:AsyncTaskFinish',
      datacontenttype: 'application/json;charset=utf-8',
      subject: `acs.dashscope:${region}:simulator:task/${t.id}`,
      time: new Date().toISOString(),
      aliyunaccountid: 'simulator',
      aliyunregionid: region,
      data: {
        task_id: t.id,
        task_status: status,
        start_time: t.runStartsAt,
        end_time: t.endsAt,
        region,
        request_id: randomUUID(),
        api_key_id: t.keyLabel,
        contain_result: false,
        user_api_unique_key: `apikey:v1:simulator:${t.model}`,
      },
    };
  }

  /** EventBridge's headers for one attempt: the string-to-sign is the target, the headers, the body. */
  private signed(target: EventTarget, body: Buffer): Record<string, string> {
    const headers: Record<string, string> = {
      'x-eventbridge-signature-timestamp': String(Date.now()),
      'x-eventbridge-signature-url': `${this.host.publicUrl()}${EVENTBRIDGE_CERT_PATH}`,
      ...(target.token === undefined ? {} : { 'x-eventbridge-signature-token': target.token }),
    };
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
    const toSign = Buffer.concat([Buffer.from(`${target.url}\n${lines.join('\n')}\n`), body]);
    return {
      ...headers,
      'x-eventbridge-hash-method': 'SHA256',
      'x-eventbridge-signature-v2': sign('sha256', toSign, this.keys.privateKey).toString('base64'),
    };
  }
}
