// The partition assignments a materializer logged ("partitions assigned from stored offsets",
// runtime/kafka/transactional-consumer.ts), one entry per rebalance that reached assign().

export interface LoggedClaim {
  readonly partition: string;
  readonly nextOffset: number;
  readonly generation: number;
}

/** Each logged assignment, oldest first, as `topic[partition]@nextOffset#generation` parsed. */
export function assignmentsInLog(log: string): LoggedClaim[][] {
  const assignments: LoggedClaim[][] = [];
  for (const line of log.split('\n')) {
    if (!line.includes('"partitions assigned from stored offsets"')) continue;
    const { partitions } = JSON.parse(line) as { partitions: string[] };
    assignments.push(
      partitions.map((entry) => {
        const match = /^(.*)@(\d+)#(\d+)$/.exec(entry);
        if (!match) throw new Error(`unexpected claim "${entry}" in: ${line}`);
        return { partition: match[1]!, nextOffset: Number(match[2]), generation: Number(match[3]) };
      }),
    );
  }
  return assignments;
}
