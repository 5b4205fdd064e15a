/** The gateway store's file name inside config.storePath. */
export const STORE_FILE = 'gateway.db';
