// Preloaded into a server the harness started with an IPC channel
// (`node --require tools/bench/cpu-profile-preload.cjs main.js`), so that it can CPU-profile a chosen
// window only, unlike --cpu-prof (whole life, written at a clean exit only). Signals are not an
// option: Nest's enableShutdownHooks() shuts the app down on SIGUSR2 as well.
//   message { benchProfile: 'start' }  starts the V8 sampling profiler
//   message { benchProfile: 'stop' }   stops it, writes $BENCH_PROFILE_DIR/<pid>-<n>.cpuprofile and
//                                      answers { benchProfile: 'written', path } (or { ..., error })
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_PROFILE_DIR;
if (dir && process.send) {
  process.channel.unref();
  const session = new Session();
  session.connect();
  let written = 0;
  const post = (method, params = {}) =>
    new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

  const start = () =>
    post('Profiler.enable')
      .then(() => post('Profiler.setSamplingInterval', { interval: 250 }))
      .then(() => post('Profiler.start'))
      .then(() => ({ benchProfile: 'started' }));

  const stop = () =>
    post('Profiler.stop').then(({ profile }) => {
      mkdirSync(dir, { recursive: true });
      written += 1;
      const path = join(dir, `${process.pid}-${written}.cpuprofile`);
      writeFileSync(path, JSON.stringify(profile));
      return { benchProfile: 'written', path };
    });

  process.on('message', (message) => {
    const command = message && message.benchProfile;
    if (command !== 'start' && command !== 'stop') return;
    (command === 'start' ? start() : stop()).then(
      (reply) => process.send(reply),
      (error) => process.send({ benchProfile: 'failed', error: error.message }),
    );
  });
}
