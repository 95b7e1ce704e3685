// Preloaded into a server the harness started with an IPC channel (lib/servers.ts compiles it to
// JavaScript and starts `node --require <it> main.js`), so that it can CPU-profile a chosen window
// only, unlike --cpu-prof (whole life, written at a clean exit only). Signals are not an option:
// Nest's enableShutdownHooks() shuts the app down on SIGUSR2 as well.
//   message { benchProfile: 'start' }  starts the V8 sampling profiler, answers { benchProfile: 'started' }
//   message { benchProfile: 'stop' }   stops it, writes $BENCH_PROFILE_DIR/<pid>-<n>.cpuprofile and
//                                      answers { benchProfile: 'written', path } (or { benchProfile: 'failed', error })
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

type Reply = { benchProfile: 'started' } | { benchProfile: 'written'; path: string } | { benchProfile: 'failed'; error: string };

const dir = process.env.BENCH_PROFILE_DIR;
const send = process.send?.bind(process);
if (dir && send) {
  process.channel?.unref();
  const session = new Session();
  session.connect();
  let written = 0;
  const post = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));

  const start = (): Promise<Reply> =>
    post('Profiler.enable')
      .then(() => post('Profiler.setSamplingInterval', { interval: 250 }))
      .then(() => post('Profiler.start'))
      .then(() => ({ benchProfile: 'started' }));

  const stop = (): Promise<Reply> =>
    post<{ profile: object }>('Profiler.stop').then(({ profile }) => {
      mkdirSync(dir, { recursive: true });
      written += 1;
      const path = join(dir, `${process.pid}-${written}.cpuprofile`);
      writeFileSync(path, JSON.stringify(profile));
      return { benchProfile: 'written', path };
    });

  process.on('message', (message: { benchProfile?: unknown } | null) => {
    const command = message?.benchProfile;
    if (command !== 'start' && command !== 'stop') return;
    (command === 'start' ? start() : stop()).then(
      (reply) => send(reply),
      (error: Error) => send({ benchProfile: 'failed', error: error.message } satisfies Reply),
    );
  });
}
