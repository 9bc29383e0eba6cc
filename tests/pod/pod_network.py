"""The pod's network namespace, as the kubelet's sandbox (the pause container) holds it: its
own loopback, a pod IP, and every container of the pod in it. The test's threads that talk to
the pod (probes, clients, the load balancer) enter it with setns(2), so they reach the pod as
the node does, at the pod IP; nothing is published on the host's interfaces."""

import concurrent.futures
import ctypes
import http.client
import os
import socket
import subprocess
import time

POD_IP = "192.0.2.10"  # TEST-NET-1: private to the namespace, so it never clashes with the host
CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL("libc.so.6", use_errno=True)


class PodNetwork:
    def __init__(self, name):
        self.name = name
        self.path = f"/run/netns/{name}"
        subprocess.run(["ip", "netns", "add", name], check=True)
        try:
            for command in (["link", "set", "lo", "up"],
                            ["addr", "add", f"{POD_IP}/32", "dev", "lo"]):
                subprocess.run(["ip", "-n", name, *command], check=True)
        except subprocess.CalledProcessError:
            subprocess.run(["ip", "netns", "delete", name], check=False)
            raise
        self.pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=24, initializer=self.enter, thread_name_prefix="in-pod")

    def enter(self):
        """Moves the calling thread into the pod's network namespace."""
        fd = os.open(self.path, os.O_RDONLY)
        try:
            if _libc.setns(fd, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), f"setns {self.path}")
        finally:
            os.close(fd)

    def run(self, function, *args):
        """Runs `function` in the pod's namespace and returns its result."""
        return self.pool.submit(function, *args).result()

    def start(self, function, *args):
        return self.pool.submit(function, *args)

    def popen(self, argv, **kwargs):
        """A process in the pod's namespace (e.g. the Redis stand-in)."""
        return subprocess.Popen(["ip", "netns", "exec", self.name, *argv], **kwargs)

    def close(self):
        self.pool.shutdown(wait=False, cancel_futures=True)
        subprocess.run(["ip", "netns", "delete", self.name], check=False)


def http_request(port, method, path, body=None, headers=None, timeout=5.0):
    """(status, body bytes) from the pod IP; raises OSError when no answer came."""
    connection = http.client.HTTPConnection(POD_IP, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class SlowRequest:
    """A request whose body is still arriving: it is in flight from send_start() until the
    server answers after finish()."""

    def __init__(self, port, path, body, headers):
        head = [f"POST {path} HTTP/1.1", f"Host: {POD_IP}", f"Content-Length: {len(body)}",
                "Connection: close"] + [f"{k}: {v}" for k, v in headers.items()]
        self.request = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        self.split = len(self.request) - max(1, len(body) // 2)
        self.port = port
        self.sock = None

    def send_start(self):
        self.sock = socket.create_connection((POD_IP, self.port), timeout=30)
        self.sock.sendall(self.request[:self.split])

    def finish(self):
        """Sends the rest and returns the status code (None when no answer came)."""
        try:
            self.sock.sendall(self.request[self.split:])
            answer = b""
            while chunk := self.sock.recv(65536):
                answer += chunk
            return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else None
        except OSError:
            return None
        finally:
            self.sock.close()


def wait_for_tcp(port, host="127.0.0.1", timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False
