// Seed 002's function: the square of `number` (a number or a numeric string).
export const handler = async (event) => {
  const number = Number(event?.number);
  if (event?.number === undefined || event?.number === '' || !Number.isFinite(number)) {
    throw new TypeError(`expected {"number": n}, got ${JSON.stringify(event)}`);
  }
  return { square: number * number };
};
