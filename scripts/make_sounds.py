"""Generate the counter's WAV sounds into resources/sounds (run once; the files are committed).

ok: two rising notes (a clear "done"); fail: a low double buzz; warn: one middle note.
"""

import math
import struct
import wave
from pathlib import Path

RATE = 22050
OUT = Path(__file__).resolve().parent.parent / "resources" / "sounds"


def tone(freq, ms, volume=0.5, shape="sine"):
    n = int(RATE * ms / 1000)
    out = []
    for i in range(n):
        env = min(1.0, i / 200, (n - i) / 400)
        t = i / RATE
        v = math.sin(2 * math.pi * freq * t)
        if shape == "square":
            v = 0.6 if v >= 0 else -0.6
        out.append(volume * env * v)
    return out


def silence(ms):
    return [0.0] * int(RATE * ms / 1000)


def write(name, samples):
    OUT.mkdir(parents=True, exist_ok=True)
    with wave.open(str(OUT / f"{name}.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", int(s * 32767)) for s in samples))


if __name__ == "__main__":
    write("ok", tone(880, 90) + silence(20) + tone(1320, 140))
    write("fail", tone(220, 160, shape="square") + silence(60) + tone(196, 220, shape="square"))
    write("warn", tone(660, 200))
    print("wrote", sorted(p.name for p in OUT.glob("*.wav")))
