// UART metering chips (BL0942, CSE7766, ATM90E26) and IEC 62056-21 meters. They speak only over serial
// lines: a {tcp} connection is refused with a ConfigError that says so.
import type { CatalogEntry, ConnectionSpec } from '../catalog.js';
import { Bl0942Driver, BL0942_LINE } from './bl0942/driver.js';
import { startBl0942Simulator } from './bl0942/simulator.js';
import { Cse7766Driver, CSE7766_LINE } from './cse7766/driver.js';
import { startCse7766Simulator } from './cse7766/simulator.js';
import { ATM90E26_LINE } from './atm90e26/client.js';
import { Atm90e26Driver } from './atm90e26/driver.js';
import { startAtm90e26Simulator } from './atm90e26/simulator.js';
import { IEC62056_SIGN_ON_LINE } from '../iec62056/client.js';
import { Iec62056Driver } from '../iec62056/driver.js';
import { startIec62056Simulator } from '../iec62056/simulator.js';
import { serialOnly } from './serial-connection.js';
import { bl0942Board } from './bl0942/board.js';
import { cse7766Board } from './cse7766/board.js';
import { atm90e26Board } from './atm90e26/board.js';

const serial = (conn: ConnectionSpec, model: string): ConnectionSpec => serialOnly(conn, model);

export const uartCatalogEntries: CatalogEntry[] = [
  {
    id: 'bl0942',
    vendor: 'Shanghai Belling',
    model: 'BL0942',
    description: 'single-phase metering chip, UART 4800 8N1, polled 23-byte packet, 24-bit CF_CNT energy counter',
    transport: 'uart',
    phases: 1,
    defaultLine: { ...BL0942_LINE },
    // The CLI's --unit is a Modbus id (default 1); BL0942 boards nearly always strap address 0, so the
    // catalog uses 0 and ignores unit (Bl0942Driver/startBl0942Simulator take `addr` 0..3 directly).
    openDriver: async (conn, o) => Bl0942Driver.open(serial(conn, 'BL0942'), { clock: o.clock, addr: 0, board: bl0942Board(o.board), timeoutMs: o.timeoutMs }),
    startSimulator: async (o) => startBl0942Simulator({ ...o, addr: 0, board: bl0942Board(o.board) }),
  },
  {
    id: 'cse7766',
    vendor: 'Chipsea',
    model: 'CSE7766',
    description: 'single-phase metering chip (Sonoff POW R2), UART 4800 8E1, streams 24-byte frames, 16-bit CF pulse count',
    transport: 'uart',
    phases: 1,
    defaultLine: { ...CSE7766_LINE },
    // The chip sends its own Pcoef; the board profile only sizes the poll interval and the simulated board.
    openDriver: async (conn, o) => {
      cse7766Board(o.board); // refuses an unknown profile or field before the line is opened
      return Cse7766Driver.open(serial(conn, 'CSE7766'), { clock: o.clock, timeoutMs: o.timeoutMs });
    },
    startSimulator: async (o) => startCse7766Simulator({ ...o, powerCoef: cse7766Board(o.board).powerCoef }),
  },
  {
    id: 'atm90e26',
    vendor: 'Microchip (Atmel)',
    model: 'ATM90E26',
    description: 'single-phase metering chip, UART 9600 8N1 (baud unverified), read-and-clear energy accumulated by the driver',
    transport: 'uart',
    phases: 1,
    defaultLine: { ...ATM90E26_LINE },
    openDriver: async (conn, o) => Atm90e26Driver.open(serial(conn, 'ATM90E26'), { clock: o.clock, board: atm90e26Board(o.board), timeoutMs: o.timeoutMs }),
    startSimulator: async (o) => startAtm90e26Simulator({ ...o, board: atm90e26Board(o.board) }),
  },
  {
    id: 'iec62056',
    vendor: 'any',
    model: 'IEC 62056-21 mode C meter',
    description: 'optical readout, sign-on at 300 baud 7E1 then the meter\'s baud; OBIS 1.8.0/2.8.0 as exact counts',
    transport: 'iec62056',
    phases: 3,
    defaultLine: { ...IEC62056_SIGN_ON_LINE },
    // The sign-on goes without a device address (any meter at the probe answers); unit is not used.
    openDriver: async (conn, o) => Iec62056Driver.open(serial(conn, 'IEC 62056-21 meter'), { clock: o.clock }),
    startSimulator: async (o) => startIec62056Simulator({ ...o, unit: undefined }),
  },
];
