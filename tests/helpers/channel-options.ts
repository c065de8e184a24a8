/**
 * Channel options of every gRPC client the tests make. The suite runs in one process, where
 * grpc-js shares subchannels between clients of the same address: a client left open on a
 * stopped server keeps that address's subchannel in reconnect backoff, and a later server the OS
 * gives the same port would see every fresh client fail at once with UNAVAILABLE ("No
 * connection established. Last error: null"). Each client gets its own subchannels instead.
 */
export const TEST_CHANNEL_OPTIONS = { 'grpc.use_local_subchannel_pool': 1 } as const;
