// given(past events).when(command) → the events decide returns, or the error it throws.
export interface Decider<C, S, E> {
  decide: (command: C, state: S) => E[];
  evolve: (state: S, event: E) => S;
  initialState: () => S;
}

export type Outcome<E> = { events: E[]; error?: undefined } | { events?: undefined; error: Error };

export function given<C, S, E>(decider: Decider<C, S, E>, past: E[] = []) {
  return {
    when(command: C): Outcome<E> {
      const state = past.reduce(decider.evolve, decider.initialState());
      try {
        return { events: decider.decide(command, state) };
      } catch (error) {
        if (error instanceof Error) return { error };
        throw error;
      }
    },
  };
}
