// How big each scenario runs: the full bench, the quick look, and the tiny run the test
// suite uses to check the harness itself.
export type Scale = {
  name: "full" | "quick" | "tiny";
  direct: { pairs: number; rates: number[]; stepMs: number; referenceRate: number; floorMs: number };
  room: { members: number; rates: number[]; stepMs: number };
  connections: { sockets: number; concurrency: number; settleMs: number };
  history: {
    messages: number;
    conversations: number;
    hubConversations: number;
    deepConversationMessages: number;
    durationMs: number;
    concurrency: number;
    inServerIterations: number;
  };
  redis: { pairs: number; rates: number[]; stepMs: number; referenceRate: number };
  coldStart: { repeats: number };
  /** Scenario 8: the web client with `messages` loaded, `samples` live messages timed. */
  web: { messages: number; samples: number };
};

export const SCALES: Record<Scale["name"], Scale> = {
  full: {
    name: "full",
    direct: {
      pairs: 100,
      rates: [500, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 10_000, 12_000, 14_000, 16_000, 20_000, 24_000],
      stepMs: 4000,
      referenceRate: 4000,
      floorMs: 2000,
    },
    room: { members: 1000, rates: [100, 250, 500, 750, 1000], stepMs: 4000 },
    connections: { sockets: 10_000, concurrency: 256, settleMs: 1000 },
    history: {
      messages: 1_000_000,
      conversations: 10_000,
      hubConversations: 500,
      deepConversationMessages: 100_000,
      durationMs: 4000,
      concurrency: 8,
      inServerIterations: 2000,
    },
    redis: {
      pairs: 100,
      rates: [500, 1000, 1500, 2000, 3000, 4000, 6000, 8000, 10_000, 12_000],
      stepMs: 4000,
      referenceRate: 4000,
    },
    coldStart: { repeats: 5 },
    web: { messages: 5000, samples: 100 },
  },
  quick: {
    name: "quick",
    direct: { pairs: 20, rates: [1000, 2000, 4000, 8000, 16_000], stepMs: 1500, referenceRate: 4000, floorMs: 1000 },
    room: { members: 200, rates: [250, 1000], stepMs: 1500 },
    connections: { sockets: 2000, concurrency: 256, settleMs: 500 },
    history: {
      messages: 100_000,
      conversations: 1000,
      hubConversations: 500,
      deepConversationMessages: 10_000,
      durationMs: 1000,
      concurrency: 8,
      inServerIterations: 500,
    },
    redis: { pairs: 20, rates: [1000, 4000], stepMs: 1500, referenceRate: 4000 },
    coldStart: { repeats: 1 },
    web: { messages: 5000, samples: 30 },
  },
  tiny: {
    name: "tiny",
    direct: { pairs: 2, rates: [50], stepMs: 200, referenceRate: 50, floorMs: 200 },
    room: { members: 20, rates: [20], stepMs: 250 },
    connections: { sockets: 50, concurrency: 16, settleMs: 100 },
    history: {
      messages: 5000,
      conversations: 100,
      hubConversations: 20,
      deepConversationMessages: 1000,
      durationMs: 200,
      concurrency: 2,
      inServerIterations: 50,
    },
    redis: { pairs: 2, rates: [50], stepMs: 200, referenceRate: 50 },
    coldStart: { repeats: 1 },
    web: { messages: 60, samples: 3 },
  },
};
