"""No-op jobs through Oban for Python, on the same PostgreSQL server as `agent-runner-pg bench`.

    python oban_noop.py --dsn URL [--jobs N] [--processes 4] [--limit 50] [--preinserted | --trickle]

Starts PROCESSES worker processes in a throw-away schema, each an Oban instance with one queue of LIMIT concurrent
jobs, and waits until N no-op jobs completed. Two rates, both over spans on the database's clock, so the workers'
start-up is not counted:

- by default the jobs are inserted while the workers run (1,000 per statement, Oban's bulk insert), and the span
  runs from the first job's `inserted_at` to the last job's `completed_at`: insert, fetch and ack of every job, the
  same work as the agent runner's life cycle (whose claim inserts the run);
- with --preinserted the jobs are all inserted before the workers start, and the span runs from the first
  `attempted_at`: fetch and ack only.

With --trickle the jobs are inserted one at a time, one every 20 ms, while the workers run, and what is measured is
how long each waits: its `attempted_at` (the fetch's now) minus its `inserted_at` (the insert's now), both on the
database's clock, p50 and p99: the same measure as the bench's request to start.

Prints one line of JSON (`perSecond` with `preinserted` saying which, or `p50Ms` and `p99Ms` with `trickle`). The
schema is dropped at the end.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import time

import psycopg
from oban import Oban, worker
from oban.schema import install


@worker(queue="bench", max_attempts=1)
class NoOp:
    async def process(self, job):
        return None


def _dsn_with_schema(dsn: str, schema: str) -> str:
    separator = "&" if "?" in dsn else "?"
    return f"{dsn}{separator}options=-csearch_path%3D{schema}"


async def _work(dsn: str, schema: str, limit: int, stop_at: float) -> None:
    pool = await Oban.create_pool(_dsn_with_schema(dsn, schema), min_size=2, max_size=10)
    try:
        async with Oban(pool=pool, prefix=schema, queues={"bench": limit}, node=f"bench-{os.getpid()}"):
            while time.monotonic() < stop_at:
                await asyncio.sleep(0.2)
    finally:
        await pool.close()


def _worker_main(dsn: str, schema: str, limit: int, seconds: float) -> None:
    asyncio.run(_work(dsn, schema, limit, time.monotonic() + seconds))


async def _install(dsn: str, schema: str) -> None:
    pool = await Oban.create_pool(_dsn_with_schema(dsn, schema), min_size=1, max_size=1)
    try:
        await install(pool, prefix=schema)
    finally:
        await pool.close()


async def _insert(dsn: str, schema: str, jobs: int, trickle: bool = False) -> None:
    """Inserts the jobs 1,000 per statement, or with `trickle` one at a time, 20 ms apart."""
    pool = await Oban.create_pool(_dsn_with_schema(dsn, schema), min_size=1, max_size=2)
    try:
        async with Oban(pool=pool, prefix=schema) as client:
            if trickle:
                for _ in range(jobs):
                    await client.enqueue(NoOp.new({}))
                    await asyncio.sleep(0.02)
            else:
                for start in range(0, jobs, 1_000):
                    await client.enqueue_many([NoOp.new({}) for _ in range(min(1_000, jobs - start))])
    finally:
        await pool.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--jobs", type=int, default=24_000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--deadline", type=float, default=300.0)
    parser.add_argument("--preinserted", action="store_true")
    parser.add_argument("--trickle", action="store_true")
    options = parser.parse_args()
    if options.preinserted and options.trickle:
        print("oban_noop.py: --preinserted and --trickle are different measures: pass one of them", file=sys.stderr)
        return 2
    if not options.dsn:
        print("oban_noop.py: no database given: pass --dsn or set DATABASE_URL", file=sys.stderr)
        return 2
    schema = f"oban_bench_{os.getpid()}"
    with psycopg.connect(options.dsn, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            asyncio.run(_install(options.dsn, schema))
            if options.preinserted:
                asyncio.run(_insert(options.dsn, schema, options.jobs))
            admin.execute("CHECKPOINT")
            workers = [
                multiprocessing.Process(
                    target=_worker_main, args=(options.dsn, schema, options.limit, options.deadline))
                for _ in range(options.processes)
            ]
            for process in workers:
                process.start()
            if not options.preinserted:
                # The workers are listening before the first job arrives: each has registered its producer.
                ready = time.monotonic() + 30
                while time.monotonic() < ready and admin.execute(
                        f"SELECT count(*) FROM {schema}.oban_producers").fetchone()[0] < options.processes:
                    time.sleep(0.05)
                asyncio.run(_insert(options.dsn, schema, options.jobs, trickle=options.trickle))
            deadline = time.monotonic() + options.deadline
            done = 0
            while time.monotonic() < deadline:
                done = admin.execute(
                    f"SELECT count(*) FROM {schema}.oban_jobs WHERE state = 'completed'").fetchone()[0]
                if done >= options.jobs:
                    break
                if not any(process.is_alive() for process in workers):
                    print("oban_noop.py: every worker process ended before the jobs completed", file=sys.stderr)
                    break
                time.sleep(0.05)
            for process in workers:
                process.terminate()
            for process in workers:
                process.join(10)
            if done < options.jobs:
                print(f"oban_noop.py: only {done} of {options.jobs} jobs completed within {options.deadline} s",
                      file=sys.stderr)
                return 1
            if options.trickle:
                p50, p99 = admin.execute(
                    "SELECT percentile_cont(array[0.5, 0.99]) WITHIN GROUP "
                    f"(ORDER BY extract(epoch FROM attempted_at - inserted_at) * 1000) FROM {schema}.oban_jobs"
                ).fetchone()[0]
                print(json.dumps({
                    "system": "oban", "jobs": options.jobs, "processes": options.processes, "trickle": True,
                    "p50Ms": p50, "p99Ms": p99,
                }))
                return 0
            start_column = "attempted_at" if options.preinserted else "inserted_at"
            first, last = admin.execute(
                f"SELECT min({start_column}), max(completed_at) FROM {schema}.oban_jobs").fetchone()
            seconds = (last - first).total_seconds()
            print(json.dumps({
                "system": "oban", "jobs": options.jobs, "processes": options.processes, "limit": options.limit,
                "preinserted": options.preinserted, "seconds": seconds, "perSecond": options.jobs / seconds,
            }))
            return 0
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    sys.exit(main())
