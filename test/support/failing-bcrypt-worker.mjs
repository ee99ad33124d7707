// A bcrypt worker that fails every task, as a worker that ran out of memory or was killed would.
export default function run() {
  throw new Error('the hashing worker failed');
}
