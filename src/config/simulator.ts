// The simulator's well-known credentials. Without WANFLOW_LIVE, wanflow talks to the simulator and, when
// no key is configured, uses these; the simulator accepts them. Not secrets: they open nothing real.
/** The Model Studio key the simulator always accepts. */
export const SIM_DEFAULT_KEY = 'sk-wanflow-simulator';
/** The key the simulated fal.ai queue accepts. */
export const SIM_FAL_KEY = 'fal-simulator-key';
/** The fal.ai account the simulated queue signs its webhooks as. */
export const SIM_FAL_USER_ID = 'simulator-user';
/** The key the simulated each::labs API accepts, and the secret its webhooks are signed with. */
export const SIM_EACHLABS_KEY = 'eachlabs-simulator-key';
export const SIM_EACHLABS_WEBHOOK_SECRET = 'eachlabs-simulator-webhook-secret';
/** The key the simulated inference.sh API accepts. */
export const SIM_INFERENCE_KEY = 'inf_simulator-key';
