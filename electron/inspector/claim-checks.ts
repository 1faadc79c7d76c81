/** Moved to electron/jose (below both engine and inspector); kept so existing imports keep working. */
export * from '../jose/claim-checks';
