// UART metering chips (BL0942, CSE7766, ATM90E26) and IEC 62056-21 meters: filled in by the UART work.
import type { CatalogEntry } from '../catalog.js';

export const uartCatalogEntries: CatalogEntry[] = [];
