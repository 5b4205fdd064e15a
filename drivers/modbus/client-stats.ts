// The counters every Modbus client keeps (ModbusClient.stats()).
export interface ModbusStats {
  /** Logical transactions attempted on the wire (a retried request counts once). */
  transactions: number;
  /** Damaged, garbled or mismatched responses (each attempt). */
  frameErrors: number;
  /** Attempts that got no complete response in time. */
  timeouts: number;
  /** Re-sends after a timeout or frame error. */
  retries: number;
  /** Exception responses. */
  exceptions: number;
  /** Requests refused at once because their unit was in back-off. */
  backoffRejections: number;
}

export const emptyStats = (): ModbusStats => ({
  transactions: 0,
  frameErrors: 0,
  timeouts: 0,
  retries: 0,
  exceptions: 0,
  backoffRejections: 0,
});
