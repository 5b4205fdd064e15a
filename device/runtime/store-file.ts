/** The gateway store's file name inside config.storePath. */
export const STORE_FILE = 'gateway.db';

/** Beside the store: a store-write failure not yet recorded as an alarm (device/store/fault-marker.ts). */
export const STORAGE_FAULT_FILE = 'storage-fault';
