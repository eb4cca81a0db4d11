// Long-running commands (up, simulator, webhooks) stop cleanly on Ctrl-C or a service manager's SIGTERM.
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
