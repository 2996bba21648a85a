// The machine and Postgres CPU figures the materializer benchmark prints (loadtest/support/host-cpu.ts).
import t from 'tap';
import { describeHostCpu, perEvent, sampleHostCpu } from '../../loadtest/support/host-cpu.ts';

t.test('describeHostCpu: busy share of the machine, and Postgres CPU per second and per event', async (t) => {
  const start = { atMs: 0, busyTicks: 1_000, totalTicks: 10_000, postgresTicks: 500 };
  // 2 seconds on 2 CPUs = 400 ticks, 300 of them busy; Postgres used 150 ticks = 0.75 s/s.
  const end = { atMs: 2_000, busyTicks: 1_300, totalTicks: 10_400, postgresTicks: 650 };
  t.equal(describeHostCpu(start, end, 15_000), 'machine 75% busy; Postgres CPU 0.75 s/s (50 µs/event)');
  t.equal(describeHostCpu(undefined, end, 15_000), 'machine CPU n/a', 'no /proc: n/a rather than a wrong figure');
  t.equal(describeHostCpu(end, end, 15_000), 'machine CPU n/a', 'no time between the samples');
  t.equal(perEvent(0.48, 10_000), '48 µs/event');
});

t.test('sampleHostCpu reads this Linux machine: counters that only grow, Postgres included', async (t) => {
  const first = sampleHostCpu();
  t.ok(first, '/proc is readable');
  const second = sampleHostCpu()!;
  t.ok(second.totalTicks >= first!.totalTicks && second.busyTicks >= first!.busyTicks, 'machine counters are monotonic');
  t.ok(first!.busyTicks <= first!.totalTicks);
  // bin/l3 test runs the embedded stack's Postgres on this machine.
  t.ok(second.postgresTicks > 0, 'the local Postgres processes have used CPU');
});
