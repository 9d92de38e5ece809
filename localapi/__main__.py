"""``python -m localapi --port 8081 --token 123:ABC``: runs the local Bot API until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from localapi.server import LocalBotApi


async def serve(port: int, token: str, rate_limits: bool) -> None:
    async with LocalBotApi(token, port=port, rate_limits=rate_limits) as api:
        print(f"base_url      {api.base_url}", flush=True)
        print(f"base_file_url {api.base_file_url}", flush=True)
        print(f"people        {api.url}/_sim/people", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m localapi", description="The local Telegram Bot API.")
    parser.add_argument("--port", type=int, default=8081, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--token", default="123456:local-test-token", help="the bot token it accepts")
    parser.add_argument(
        "--rate-limits", action="store_true", help="answer 429 beyond Telegram's flood limits"
    )
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.token, args.rate_limits))


if __name__ == "__main__":
    main()
