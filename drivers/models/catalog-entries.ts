// Modbus meters (SDM630, SDM120, EM340, B23): filled in by the meter-model work.
import type { CatalogEntry } from '../catalog.js';

export const modbusCatalogEntries: CatalogEntry[] = [];
