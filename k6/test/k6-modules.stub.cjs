// Stands in for k6's built-in modules (k6, k6/http, k6/execution) when jest loads the scripts to
// read their exported options. Nothing here may run: requests and checks only exist inside k6.
const outsideK6 = (name) => () => {
  throw new Error(`${name} only runs inside k6`);
};

module.exports = {
  check: outsideK6('check'),
  get: outsideK6('http.get'),
  post: outsideK6('http.post'),
  scenario: { name: 'none' },
  test: { abort: outsideK6('exec.test.abort') },
};
