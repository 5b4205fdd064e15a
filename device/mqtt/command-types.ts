// Messages on the command and reply topics (docs/mqtt-topics.md). JSON, QoS 1.

/** Head-end or installer -> gateway, on topics.command(device). */
export type GatewayCommand =
  /** Commissioning round trip: the gateway answers at once. */
  | { id: string; type: 'ping'; sentAt: string }
  /** Publish again every stored interval record (latest revision) whose period starts in [from, to). */
  | { id: string; type: 'resend'; from: string; to: string; meter?: string }
  /** Publish again every stored record of any type (interval, alarm) with fromSeq <= seq <= toSeq. */
  | { id: string; type: 'resend'; fromSeq: number; toSeq: number }
  /** Raise and clear the 'test' alarm so an installer can see alarms arrive. */
  | { id: string; type: 'test-alarm' };

/** Gateway -> head-end, on topics.reply(device). */
export type GatewayReply =
  | { id: string; type: 'pong'; sentAt: string; receivedAt: string; device: string }
  /** `notStored` (seq form only): seqs of the range the store no longer holds (retention) or never issued. */
  | { id: string; type: 'resend'; records: number; notStored?: number }
  | { id: string; type: 'test-alarm'; raised: boolean }
  | { id: string; type: 'error'; error: string };
