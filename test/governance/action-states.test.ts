// The proposal state machine of ARCHITECTURE §6: exactly the documented moves are allowed, and no
// sequence of allowed moves can leave a proposal stuck anywhere but in a terminal state.
import fc from 'fast-check';
import t from 'tap';
import { ActionStateSymbols } from '../../contracts/generated/action-state-changed.ts';
import { ACTION_STATES, ALLOWED_TRANSITIONS, canTransition, isActionState, isTerminal, TERMINAL_STATES } from '../../processors/governance/action-states.ts';
import type { ActionState } from '../../processors/governance/action-states.ts';

const EXPECTED: Record<ActionState, ActionState[]> = {
  PROPOSED: ['SIMULATED', 'REJECTED', 'FAILED', 'EXPIRED'],
  SIMULATED: ['PENDING_APPROVAL', 'APPROVED', 'CANCELLED', 'EXPIRED'],
  PENDING_APPROVAL: ['APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED'],
  APPROVED: ['EXECUTING', 'STALE', 'CANCELLED', 'EXPIRED'],
  EXECUTING: ['EXECUTED', 'FAILED', 'STALE'],
  EXECUTED: [],
  FAILED: [],
  REJECTED: [],
  CANCELLED: [],
  EXPIRED: [],
  STALE: [],
};

t.test('the states are the Avro enum ActionState, in schema order', async (t) => {
  t.same([...ACTION_STATES], [...ActionStateSymbols]);
});

t.test('every documented transition is allowed', async (t) => {
  for (const [from, targets] of Object.entries(EXPECTED) as [ActionState, ActionState[]][]) {
    for (const to of targets) t.ok(canTransition(from, to), `${from} -> ${to}`);
  }
});

t.test('every other transition is refused', async (t) => {
  for (const from of ACTION_STATES) {
    for (const to of ACTION_STATES) {
      if (!EXPECTED[from].includes(to)) t.notOk(canTransition(from, to), `${from} -> ${to} is refused`);
    }
  }
  t.notOk(canTransition('PENDING_APPROVAL', 'EXECUTED'), 'approval cannot be skipped on the way to EXECUTED');
  t.notOk(canTransition('SIMULATED', 'EXECUTING'), 'execution starts only from APPROVED');
  t.notOk(canTransition('EXECUTING', 'CANCELLED'), 'a running execution cannot be cancelled');
  t.notOk(canTransition('PROPOSED', 'PROPOSED'), 'no state moves to itself');
  for (const to of ACTION_STATES) t.notOk(canTransition('EXECUTED', to), `EXECUTED -> ${to} is refused`);
});

t.test('the table and the terminal states agree', async (t) => {
  t.same(Object.keys(ALLOWED_TRANSITIONS).sort(), [...ACTION_STATES].sort(), 'every state has an entry');
  for (const state of ACTION_STATES) {
    t.equal(isTerminal(state), ALLOWED_TRANSITIONS[state].length === 0, `${state}: terminal exactly when it has no way out`);
  }
  t.same([...TERMINAL_STATES].sort(), ACTION_STATES.filter((s) => ALLOWED_TRANSITIONS[s].length === 0).sort());
  t.ok(Object.isFrozen(ALLOWED_TRANSITIONS) && Object.isFrozen(ALLOWED_TRANSITIONS.PROPOSED), 'nobody can add a transition at run time');
});

t.test('values from outside the type system are recognized or refused', async (t) => {
  t.ok(isActionState('STALE'));
  for (const value of ['stale', 'toString', '', null, 3]) t.notOk(isActionState(value), `${JSON.stringify(value)} is not a state`);
  t.notOk(canTransition('toString' as ActionState, 'PROPOSED'), 'a name from Object.prototype is no state');
});

t.test('every state is reachable from PROPOSED', async (t) => {
  const reached = new Set<ActionState>(['PROPOSED']);
  for (let grew = true; grew; ) {
    grew = false;
    for (const from of [...reached]) {
      for (const to of ALLOWED_TRANSITIONS[from]) {
        if (!reached.has(to)) {
          reached.add(to);
          grew = true;
        }
      }
    }
  }
  t.same([...reached].sort(), [...ACTION_STATES].sort());
});

t.test('a random walk over allowed transitions ends, and only ever in a terminal state', async (t) => {
  // Each step picks one of the allowed moves by an arbitrary index; the walk stops when there is
  // none. The state machine has no cycle, so a walk is at most as long as there are states.
  fc.assert(
    fc.property(fc.array(fc.nat(), { minLength: ACTION_STATES.length, maxLength: ACTION_STATES.length }), fc.constantFrom<ActionState>(...ACTION_STATES), (choices, start) => {
      let state = start;
      let steps = 0;
      for (const choice of choices) {
        const next = ALLOWED_TRANSITIONS[state];
        if (next.length === 0) break;
        const to = next[choice % next.length]!;
        if (!canTransition(state, to)) return false;
        state = to;
        steps += 1;
      }
      return ALLOWED_TRANSITIONS[state].length === 0 && isTerminal(state) && steps < ACTION_STATES.length;
    }),
    { numRuns: 2000 },
  );
  t.pass('every walk ended in a terminal state');
});
