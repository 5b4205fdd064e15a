// What a Modbus meter driver needs from a transport (RTU over a serial port, or TCP).
export type ReadFunctionCode = 3 | 4;

/** Registers as one reply carried them, and when that reply arrived. */
export interface StampedRegisters {
  registers: Uint16Array;
  /** The client's injected clock at the moment the reply's last byte was handed to the client, before decoding. */
  receivedAt: number;
}

export interface ModbusClient {
  /** Reads `count` 16-bit registers with FC 03 (holding) or 04 (input). */
  readRegisters(unit: number, fc: ReadFunctionCode, address: number, count: number): Promise<Uint16Array>;
  /** readRegisters, with the time its reply arrived: what a meter reading is stamped with (docs/gateway-operation.md). */
  readRegistersStamped(unit: number, fc: ReadFunctionCode, address: number, count: number): Promise<StampedRegisters>;
  /** FC 06. */
  writeRegister(unit: number, address: number, value: number): Promise<void>;
  /** FC 16. */
  writeRegisters(unit: number, address: number, values: readonly number[]): Promise<void>;
  /** Counters since creation, for the frame-error-rate alarm and the bench. */
  stats(): { transactions: number; frameErrors: number; timeouts: number; retries: number; exceptions: number };
  close(): Promise<void>;
}

/** What a simulated or real Modbus server answers from: a register bank per unit. */
export interface RegisterBank {
  /** Returns the registers, or a Modbus exception code (1 illegal function, 2 illegal address, ...). */
  read(unit: number, fc: ReadFunctionCode, address: number, count: number): Uint16Array | number;
  write(unit: number, address: number, values: readonly number[]): number | void;
}
