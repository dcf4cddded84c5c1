// Waits `event.ms` milliseconds (default 100), then answers with how long it slept.
export const config = { timeoutSeconds: 60 };

export const handler = async (event) => {
  const ms = Math.max(0, Number(event?.ms ?? 100) || 0);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { slept: ms };
};
