#!/usr/bin/python3
"""An independent reference meter: a Modbus TCP server on Debian's python3-pymodbus 3.0 (not our TypeScript code)
that models a constant load and lays its registers out as the meter's datasheet does.

Usage: /usr/bin/python3 pymodbus_meter.py MODEL [PORT]     MODEL: sdm630, sdm120, em340 or b23; unit id 1
Prints "READY <port>" once listening. Commands on stdin, one per line, each answered "OK ..." on stdout:
  point V A PF       every phase at V volts, A amps, power factor PF (P = V x A x PF per phase; PF < 0 exports)
  advance MS         MS milliseconds pass: energy += P x time (exact, in fractions of a Wh)
  energy             prints "OK <import Wh> <export Wh>" as exact fractions n/d
Exits when stdin closes.

Register layouts (0-based PDU addresses), from ../../../shared/reference/standards.md section 4, which names the
sources (Eastron manuals via mbmd sdm.go/sdm120.go and ESPHome sdm_meter_registers.h; Carlo Gavazzi EM330/EM340
protocol via mbmd carlogavazzi-ex3x0.go; ABB B-series manual via mbmd abb.go):
  SDM630/SDM120  FC 04, IEEE-754 float32 big-endian high word first; V 0x00/02/04, A 0x06/08/0A, W 0x0C/0E/10,
                 PF 0x1E/20/22, total W 0x34 and PF 0x3E (SDM630), Hz 0x46, import kWh 0x48, export kWh 0x4A.
  EM340          FC 04, INT32 least-significant word first, INT16; V 0x00.. /10, A 0x0C.. /1000, W 0x12.. /10,
                 system W 0x28 /10, PF 0x2E..0x31 /1000, Hz 0x33 /10, kWh(+) 0x34 /10, kWh(-) 0x4E /10.
  B23            FC 03, big-endian; import kWh 0x5000 and export 0x5004 UINT64 /100, V 0x5B00.. UINT32 /10,
                 A 0x5B0C.. UINT32 /100, W total 0x5B14 and L1..L3 0x5B16.. INT32 /100, Hz 0x5B2C UINT16 /100,
                 PF total 0x5B3A and L1..L3 0x5B3B.. INT16 /1000.
A counter register shows the energy truncated to its resolution (a meter never shows energy it has not counted).
"""
import asyncio
import math
import struct
import sys
from fractions import Fraction

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server import StartAsyncTcpServer

PHASES = {"sdm630": 3, "sdm120": 1, "em340": 3, "b23": 3}


def f32(x):
    hi, lo = struct.unpack(">HH", struct.pack(">f", x))
    return [hi, lo]


def i32_lsw(n):
    n &= 0xFFFFFFFF
    return [n & 0xFFFF, n >> 16]


def i32_be(n):
    n &= 0xFFFFFFFF
    return [n >> 16, n & 0xFFFF]


def u64_be(n):
    return [(n >> 48) & 0xFFFF, (n >> 32) & 0xFFFF, (n >> 16) & 0xFFFF, n & 0xFFFF]


def i16(n):
    return [n & 0xFFFF]


def floor_div(wh, wh_per_count):
    """Whole counts of `wh_per_count` in an exact energy."""
    return math.floor(wh / wh_per_count)


class Meter:
    def __init__(self, model):
        self.model = model
        self.phases = PHASES[model]
        self.v, self.a, self.pf = 230.0, 0.0, 1.0
        self.import_wh = Fraction(0)
        self.export_wh = Fraction(0)

    def phase_power(self):
        return self.v * self.a * self.pf

    def total_power_exact(self):
        # The same float the registers show, taken exactly: energy is this power times time.
        return Fraction(self.phase_power()) * self.phases

    def advance(self, ms):
        e = self.total_power_exact() * Fraction(ms) / 3_600_000
        if e >= 0:
            self.import_wh += e
        else:
            self.export_wh += -e

    def image(self):
        """(function code, {address: word}) of the present state."""
        p, n, hz = self.phase_power(), self.phases, 50.0
        regs = {}

        def put(addr, words):
            for k, w in enumerate(words):
                regs[addr + k] = w

        if self.model in ("sdm630", "sdm120"):
            for i in range(n):
                put(0x00 + 2 * i, f32(self.v))
                put(0x06 + 2 * i, f32(self.a))
                put(0x0C + 2 * i, f32(p))
                put(0x1E + 2 * i, f32(self.pf))
            if self.model == "sdm630":
                put(0x34, f32(p * n))
                put(0x3E, f32(self.pf))
            put(0x46, f32(hz))
            put(0x48, f32(float(self.import_wh / 1000)))
            put(0x4A, f32(float(self.export_wh / 1000)))
            return 4, regs
        if self.model == "em340":
            for i in range(n):
                put(0x00 + 2 * i, i32_lsw(round(self.v * 10)))
                put(0x0C + 2 * i, i32_lsw(round(self.a * 1000)))
                put(0x12 + 2 * i, i32_lsw(round(p * 10)))
                put(0x2E + i, i16(round(self.pf * 1000)))
            put(0x28, i32_lsw(round(p * n * 10)))
            put(0x31, i16(round(self.pf * 1000)))
            put(0x33, i16(round(hz * 10)))
            put(0x34, i32_lsw(floor_div(self.import_wh, 100)))  # 0.1 kWh = 100 Wh
            put(0x4E, i32_lsw(floor_div(self.export_wh, 100)))
            return 4, regs
        if self.model == "b23":
            put(0x5000, u64_be(floor_div(self.import_wh, 10)))  # 0.01 kWh = 10 Wh
            put(0x5004, u64_be(floor_div(self.export_wh, 10)))
            for i in range(n):
                put(0x5B00 + 2 * i, i32_be(round(self.v * 10)))
                put(0x5B0C + 2 * i, i32_be(round(self.a * 100)))
                put(0x5B16 + 2 * i, i32_be(round(p * 100)))
                put(0x5B3B + i, i16(round(self.pf * 1000)))
            put(0x5B14, i32_be(round(p * n * 100)))
            put(0x5B2C, [round(hz * 100)])
            put(0x5B3A, i16(round(self.pf * 1000)))
            return 3, regs
        raise SystemExit(f"unknown model {self.model}; expected one of {', '.join(PHASES)}")


def block_for(model):
    if model == "b23":
        return 3, 0x5000, 0x5B40 - 0x5000
    return 4, 0, 0x50


async def main():
    if len(sys.argv) < 2 or sys.argv[1] not in PHASES:
        print(f"usage: pymodbus_meter.py MODEL [PORT]; MODEL one of {', '.join(PHASES)}", file=sys.stderr)
        sys.exit(2)
    meter = Meter(sys.argv[1])
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    fc, start, size = block_for(meter.model)
    block = ModbusSequentialDataBlock(start, [0] * size)
    slave = ModbusSlaveContext(hr=block, ir=block, zero_mode=True) if fc == 3 else ModbusSlaveContext(ir=block, zero_mode=True)
    context = ModbusServerContext(slaves={1: slave}, single=False)

    def publish():
        f, regs = meter.image()
        for addr, word in regs.items():
            context[1].setValues(f, addr, [word])

    publish()
    server = await StartAsyncTcpServer(context=context, address=("127.0.0.1", port), defer_start=True)
    task = asyncio.ensure_future(server.serve_forever())
    await server.serving
    print("READY", server.server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        cmd = line.split()
        if not cmd:
            continue
        if cmd[0] == "point" and len(cmd) == 4:
            meter.v, meter.a, meter.pf = float(cmd[1]), float(cmd[2]), float(cmd[3])
            publish()
            print("OK", meter.phase_power() * meter.phases, flush=True)
        elif cmd[0] == "advance" and len(cmd) == 2:
            meter.advance(int(cmd[1]))
            publish()
            print("OK", flush=True)
        elif cmd[0] == "energy":
            print("OK", meter.import_wh, meter.export_wh, flush=True)
        else:
            print("ERR expected: point V A PF | advance MS | energy", flush=True)
    await server.server_close()
    task.cancel()


asyncio.run(main())
