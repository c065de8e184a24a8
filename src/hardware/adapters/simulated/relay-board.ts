/**
 * A simulated relay board (model `SIM-RELAY8`): eight latching outputs, numbered 1–8, all OFF at
 * power-up; every state can be read back.
 *
 * Commands: `SET <n> ON|OFF` → `OK`; `GET <n>` → `ON|OFF`; `STATE?` → `10000000` (channel 1
 * first); `ALL OFF` → `OK`. A bad channel is `ERR BAD_CHANNEL`, anything else malformed `ERR SYNTAX`.
 */
import type { SimulatedDevice } from './simulated-device.ts';

/** Number of outputs on the board. */
export const RELAY_CHANNELS = 8;

/** Creates one board, all outputs OFF. */
export function createRelayBoard(): SimulatedDevice {
  const outputs = new Array<boolean>(RELAY_CHANNELS).fill(false);

  const channel = (word: string | undefined): number | undefined => {
    if (word === undefined || !/^\d{1,2}$/.test(word)) return undefined;
    const n = Number(word);
    return n >= 1 && n <= RELAY_CHANNELS ? n - 1 : undefined;
  };

  return {
    model: 'SIM-RELAY8',
    handle(words) {
      const [verb, first, second] = words;
      if (verb === 'STATE?' && words.length === 1) return outputs.map((on) => (on ? '1' : '0')).join('');
      if (verb === 'ALL' && first === 'OFF' && words.length === 2) {
        outputs.fill(false);
        return 'OK';
      }
      if (verb === 'GET' && words.length === 2) {
        const index = channel(first);
        return index === undefined ? 'ERR BAD_CHANNEL' : outputs[index] ? 'ON' : 'OFF';
      }
      if (verb === 'SET' && words.length === 3 && (second === 'ON' || second === 'OFF')) {
        const index = channel(first);
        if (index === undefined) return 'ERR BAD_CHANNEL';
        outputs[index] = second === 'ON';
        return 'OK';
      }
      return 'ERR SYNTAX';
    },
  };
}
