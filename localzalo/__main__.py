"""``python -m localzalo --port 8082``: runs the local Zalo Bot API until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from localzalo.server import LocalZaloApi


async def serve(port: int, token: str, rate_limits: bool) -> None:
    async with LocalZaloApi(token, port=port, rate_limits=rate_limits) as api:
        print(f"SODIEM_ZALO_API_URL={api.base_url}", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m localzalo", description="The local Zalo Bot API.")
    parser.add_argument("--port", type=int, default=8082, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--token", default="1234567890:local-zalo-token", help="the bot token it accepts")
    parser.add_argument("--rate-limits", action="store_true", help="answer 429 beyond the flood limits")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.token, args.rate_limits))


if __name__ == "__main__":
    main()
