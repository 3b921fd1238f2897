# Richards-like: an operating-system scheduler simulation. Tasks of four kinds (idle,
# worker, handler, device) pass packets to one another through queues; the scheduler
# always runs the most urgent task that can run. Method calls, attributes, linked lists.

class Packet:
    def __init__(self, owner):
        self.next = None
        self.owner = owner  # the task it goes back to when done
        self.pos = 0
        self.data = [0, 0, 0, 0]


class Task:
    def __init__(self, sched, name, priority, a, b):
        self.sched, self.name, self.priority = sched, name, priority
        self.a, self.b = a, b  # per-kind state
        self.inbox = None
        self.held = self.waiting = False


class Idle(Task):  # a: rounds left, b: shift register deciding which device to wake
    needs_packet = False

    def step(self, _):
        self.a -= 1
        if self.a == 0:
            self.held = True
        elif self.b & 1:
            self.b = (self.b >> 1) ^ 0xD008
            self.sched.release("devB")
        else:
            self.b >>= 1
            self.sched.release("devA")


class Worker(Task):  # a: the handler to feed next, b: the last letter written
    needs_packet = True

    def step(self, packet):
        self.a = "hB" if self.a == "hA" else "hA"
        for i in range(4):
            self.b = self.b % 26 + 1
            packet.data[i] = self.b
        packet.pos = 0
        self.sched.send(packet, self.a)


class Handler(Task):  # a: work packets, b: device packets
    needs_packet = False

    def step(self, packet):
        if packet is not None:
            (self.a if packet.owner == "work" else self.b).append(packet)
        if not self.a or not self.b:
            self.waiting = True
            return
        job = self.a[0]
        if job.pos == 4:
            self.sched.send(self.a.pop(0), job.owner)
            return
        dev = self.b.pop(0)
        dev.data[0] = job.data[job.pos]
        job.pos += 1
        self.sched.send(dev, dev.owner)


class Device(Task):  # a: checksum of the letters seen, b: the handler to answer
    needs_packet = True

    def step(self, packet):
        self.a = (self.a * 7 + packet.data[0]) % 65521
        self.held = True
        self.sched.send(packet, self.b)


class Scheduler:
    def __init__(self):
        self.tasks = []
        self.by_name = {}
        self.switches = 0

    def add(self, cls, name, priority, a, b):
        task = cls(self, name, priority, a, b)
        self.tasks.append(task)
        self.tasks.sort(key=lambda t: -t.priority)
        self.by_name[name] = task

    def release(self, name):
        self.by_name[name].held = False

    def send(self, packet, name):
        task = self.by_name[name]
        packet.next = None
        if task.inbox is None:
            task.inbox = packet
            return
        last = task.inbox
        while last.next is not None:
            last = last.next
        last.next = packet

    def run(self):
        while True:
            for task in self.tasks:
                if not task.held and (task.inbox is not None or not task.waiting):
                    break
            else:
                return
            self.switches += 1
            packet = task.inbox
            if packet is not None:
                task.inbox = packet.next
            # A task that only works on packets waits for one; the others run regardless.
            task.waiting = packet is None and task.needs_packet
            if not task.waiting:
                task.step(packet)


def simulate(rounds):
    s = Scheduler()
    s.add(Idle, "idle", 0, rounds, 1)
    s.add(Worker, "work", 1000, "hA", 0)
    for name, pri, dev in (("hA", 2000, "devA"), ("hB", 3000, "devB")):
        s.add(Handler, name, pri, [], [])
        s.add(Device, dev, 4000 + pri, 0, name)
        for _ in range(2):
            s.send(Packet(dev), name)
    for _ in range(2):
        s.send(Packet("work"), "work")
    s.run()
    return s.switches, s.by_name["devA"].a, s.by_name["devB"].a


def main():
    print("richards", *simulate(40000))


main()
