// Fails on purpose: always when `event.fail === true`, otherwise with probability `event.failRate`
// (0 to 1, default 0). Each attempt of an async event draws again, so retries can rescue it.
export const handler = async (event) => {
  if (event?.fail === true) throw new Error('flaky: failing as asked (event.fail === true)');
  const failRate = Number(event?.failRate ?? 0);
  if (Math.random() < failRate) throw new Error(`flaky: failed at random (failRate ${failRate})`);
  return { ok: true };
};
