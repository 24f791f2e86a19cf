#!/usr/bin/env python3
"""A unix-socket proxy that adds latency, to stand in for a slow link.

  latency-proxy.py LISTEN_PATH TARGET_PATH RTT_MS

Every chunk is delivered RTT_MS/2 after it was read, in each direction,
in order, so a request/answer pair costs one extra RTT_MS."""
import asyncio, os, sys, time

async def pipe(reader, writer, delay):
    q = asyncio.Queue()

    async def pump_in():
        while True:
            data = await reader.read(65536)
            await q.put((time.monotonic() + delay, data))
            if not data:
                return

    async def pump_out():
        while True:
            due, data = await q.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                writer.close()
                return
            writer.write(data)
            await writer.drain()

    await asyncio.gather(pump_in(), pump_out(), return_exceptions=True)

async def main():
    listen, target, rtt = sys.argv[1], sys.argv[2], float(sys.argv[3]) / 1000.0

    async def handle(cr, cw):
        try:
            sr, sw = await asyncio.open_unix_connection(target)
        except OSError:
            cw.close()
            return
        await asyncio.gather(pipe(cr, sw, rtt / 2), pipe(sr, cw, rtt / 2),
                             return_exceptions=True)

    if os.path.exists(listen):
        os.unlink(listen)
    server = await asyncio.start_unix_server(handle, path=listen)
    async with server:
        await server.serve_forever()

asyncio.run(main())
