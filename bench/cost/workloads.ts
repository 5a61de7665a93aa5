/** A month of use of the chat: who connects, how long, and what they send. */
export interface Workload {
  readonly id: string;
  readonly title: string;
  /** One sentence on who this is. */
  readonly summary: string;
  readonly users: number;
  /** Hours each user is connected per day. */
  readonly connectedHoursPerDay: number;
  /**
   * Hours of the day the users' connections and traffic are spread over (8 for one office,
   * 24 for users around the world). Open connections at a time = users × connected / active hours.
   */
  readonly activeHoursPerDay: number;
  /** Connections per user per day; raised to ⌈connected hours / 2⌉ (API Gateway closes them at 2 hours). */
  readonly connectsPerUserPerDay?: number;
  /** Rooms each user is in, joined again on every connection. */
  readonly roomsPerUser: number;
  /** Members of each room, the user included. */
  readonly roomSize: number;
  /** Room messages each user sends per day. */
  readonly messagesPerUserPerDay: number;
  readonly directMessagesPerUserPerDay: number;
  /** Namespace broadcasts per day (all users together). */
  readonly broadcastsPerDay: number;
  /** Recipients of each broadcast. Default: the connections open at the time. */
  readonly broadcastAudience?: number;
  /** Days a room keeps its messages (the app's default is 1). */
  readonly historyRetentionDays: number;
}

/** The workloads of `docs/costs.md`. */
export const WORKLOADS: readonly Workload[] = [
  {
    id: 'rooms',
    title: '1,000 users in rooms of 10',
    summary:
      'A community or support app: 1,000 users, each in 2 rooms of 10, connected 8 hours a day within the same 12 hours, sending 50 room messages a day.',
    users: 1_000,
    connectedHoursPerDay: 8,
    activeHoursPerDay: 12,
    roomsPerUser: 2,
    roomSize: 10,
    messagesPerUserPerDay: 50,
    directMessagesPerUserPerDay: 0,
    broadcastsPerDay: 0,
    historyRetentionDays: 1,
  },
  {
    id: 'broadcast',
    title: 'A 50,000-member broadcast channel',
    summary:
      'Announcements: 50,000 members around the world, each connected 12 hours a day and otherwise idle (no rooms, no messages); one namespace broadcast per hour reaches every member connected at the time.',
    users: 50_000,
    connectedHoursPerDay: 12,
    activeHoursPerDay: 24,
    roomsPerUser: 0,
    roomSize: 1,
    messagesPerUserPerDay: 0,
    directMessagesPerUserPerDay: 0,
    broadcastsPerDay: 24,
    historyRetentionDays: 1,
  },
  {
    id: 'team',
    title: 'A busy 100-person team',
    summary:
      'A team chat in one office: 100 people connected 9 hours a working day, each in 5 rooms of 20, sending 300 room messages and 30 direct messages a day.',
    users: 100,
    connectedHoursPerDay: 9,
    activeHoursPerDay: 9,
    roomsPerUser: 5,
    roomSize: 20,
    messagesPerUserPerDay: 300,
    directMessagesPerUserPerDay: 30,
    broadcastsPerDay: 0,
    historyRetentionDays: 1,
  },
  {
    id: 'churn',
    title: '10,000 mobile users with presence churn',
    summary:
      'A mobile app opened in short sessions: 10,000 users open it 20 times a day for about 6 minutes (2 hours connected), each session joining the same 3 rooms of 50 (announced to 49 others) and leaving them on disconnect; 5 room messages a day.',
    users: 10_000,
    connectedHoursPerDay: 2,
    activeHoursPerDay: 16,
    connectsPerUserPerDay: 20,
    roomsPerUser: 3,
    roomSize: 50,
    messagesPerUserPerDay: 5,
    directMessagesPerUserPerDay: 0,
    broadcastsPerDay: 0,
    historyRetentionDays: 1,
  },
];
