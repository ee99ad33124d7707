"""A small server for the channels dialect, as a student might write it: for `chat-server check`'s docs.

It keeps accounts in memory and does not check names (so `REGISTER bad@name pw` succeeds), which the
checker reports. Run: python3 channels_server.py PORT
"""
import asyncio
import sys

accounts = {}  # name -> password
online = {}  # name -> writer
channels = {}  # name -> list of member names


async def serve(reader, writer):
    user = None

    def reply(line):
        writer.write((line + "\n").encode())

    try:
        while line := await reader.readline():
            words = line.decode("utf-8", "replace").rstrip("\r\n").split(" ")
            verb, args = words[0], words[1:]
            if verb == "REGISTER":
                ok = len(args) == 2 and args[0] not in accounts
                if ok:
                    accounts[args[0]] = args[1]
                reply(f"RESULT REGISTER {int(ok)}")
            elif verb == "LOGIN":
                ok = (len(args) == 2 and user is None and accounts.get(args[0]) == args[1]
                      and args[0] not in online)
                if ok:
                    user = args[0]
                    online[user] = writer
                reply(f"RESULT LOGIN {int(ok)}")
            elif verb in ("CREATE", "JOIN"):
                if len(args) != 1:
                    reply(f"RESULT {verb} 0")
                    continue
                name = args[0]
                if verb == "CREATE":
                    ok = user is not None and name not in channels
                    if ok:
                        channels[name] = []
                else:
                    ok = user is not None and name in channels and user not in channels[name]
                    if ok:
                        channels[name].append(user)
                reply(f"RESULT {verb} {name} {int(ok)}")
            elif verb == "SAY":
                text = " ".join(args[1:])
                members = channels.get(args[0] if args else "", [])
                if user is None or user not in members or text == "":
                    reply("RESULT SAY 0")
                    continue
                for member in members:
                    online[member].write(f"RECV {user} {args[0]} {text}\n".encode())
            elif verb == "CHANNELS":
                reply(" ".join(["RESULT CHANNELS", ", ".join(sorted(channels))]).rstrip())
            await writer.drain()
    finally:
        if user is not None:
            del online[user]
            for members in channels.values():
                if user in members:
                    members.remove(user)
        writer.close()


async def main(port):
    server = await asyncio.start_server(serve, "127.0.0.1", port)
    print(f"listening on 127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
