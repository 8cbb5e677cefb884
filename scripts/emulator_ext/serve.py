"""Run moto's server on 127.0.0.1 with the project's ECS extensions, create a small
network on it, write the ids to an env file and print `ECS endpoint: URL`.

Started by scripts/emulator (which installs moto into .venv first); see
`scripts/emulator --help`. Extra endpoints served next to moto's own:

  GET  /ecs-reconciler/health  -> 200 {"ok": true}
  POST /ecs-reconciler/reset   -> resets the ECS, Application Auto Scaling, DynamoDB and CodeDeploy
                                  state of every account and region, keeping EC2 and
                                  ELBv2 (the VPC, subnets, security group, target group).
                                  moto's own POST /moto-api/reset would reset everything.
                                  It disarms the test hooks too.
  POST   /ecs-reconciler/test-hooks/fighter  -> arms a test hook, not ECS behaviour: see
  DELETE /ecs-reconciler/test-hooks/fighter     test_hooks.py ("another tool fighting")
  POST   /ecs-reconciler/test-hooks/hold     -> holds a service's rollouts, a test hook: see
  DELETE /ecs-reconciler/test-hooks/hold        test_hooks.py ("a rollout that takes its time")
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import tempfile
import threading
import time
import urllib.request
from typing import Any, Callable, Iterable

HOST = "127.0.0.1"  # never another address
DEFAULT_REGION = "us-east-1"
EXTRA_REGION = "eu-west-1"
RESET_SERVICES = ("ecs", "applicationautoscaling", "dynamodb", "codedeploy")

# Fake credentials for the emulator (and the boto3 calls made against it here).
for _k, _v in {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_SESSION_TOKEN": "test",
    "AWS_DEFAULT_REGION": DEFAULT_REGION,
}.items():
    os.environ[_k] = _v
for _k in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(_k, None)


def log(msg: str) -> None:
    print(f"[emulator] {msg}", file=sys.stderr, flush=True)


def reset_backends() -> list[str]:
    """Reset the per-service backends that tests own, keeping EC2/ELBv2."""
    from moto.core.base_backend import backend_lock
    from moto.backends import get_backend

    done = []
    with backend_lock:
        for name in RESET_SERVICES:
            backend_dict = get_backend(name)  # type: ignore[call-overload]
            # BackendDict[account][region] -> BaseBackend; reset() re-runs __init__.
            for account_backends in list(backend_dict.values()):
                account_backends.reset()
            done.append(name)
    return done


def wrap_app(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    import test_hooks  # beside this file; imports moto, so not at module load

    def ext_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/ecs-reconciler/health":
            body = json.dumps({"ok": True}).encode()
        elif path == "/ecs-reconciler/reset":
            if method != "POST":
                start_response("405 Method Not Allowed", [("Content-Type", "application/json")])
                return [b'{"error": "POST to reset"}']
            test_hooks.disarm_all()
            body = json.dumps({"reset": reset_backends()}).encode()
        elif path == "/ecs-reconciler/test-hooks/fighter":
            if method == "DELETE":
                body = json.dumps({"disarmed": test_hooks.disarm_all()}).encode()
            elif method == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                try:
                    spec = json.loads(environ["wsgi.input"].read(length) or b"{}")
                    body = json.dumps(test_hooks.arm_fighter(spec)).encode()
                except (ValueError, KeyError) as exc:
                    start_response("400 Bad Request", [("Content-Type", "application/json")])
                    return [json.dumps({"error": str(exc)}).encode()]
            else:
                start_response("405 Method Not Allowed", [("Content-Type", "application/json")])
                return [b'{"error": "POST to arm, DELETE to disarm"}']
        elif path == "/ecs-reconciler/test-hooks/hold":
            if method == "DELETE":
                body = json.dumps({"released": test_hooks.release_holds()}).encode()
            elif method == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                try:
                    spec = json.loads(environ["wsgi.input"].read(length) or b"{}")
                    body = json.dumps(test_hooks.arm_hold(spec)).encode()
                except (ValueError, KeyError) as exc:
                    start_response("400 Bad Request", [("Content-Type", "application/json")])
                    return [json.dumps({"error": str(exc)}).encode()]
            else:
                start_response("405 Method Not Allowed", [("Content-Type", "application/json")])
                return [b'{"error": "POST to hold, DELETE to release"}']
        else:
            return app(environ, start_response)
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]

    return ext_app


def make_network(endpoint: str, region: str) -> dict[str, str]:
    import boto3

    kw: dict[str, Any] = {"region_name": region, "endpoint_url": endpoint}
    ec2 = boto3.client("ec2", **kw)
    elbv2 = boto3.client("elbv2", **kw)
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    # DNS hostnames on, as in a default VPC; moto 5.2.5's RunTask in awsvpc mode reads
    # the ENI's private DNS name, which only exists then (HTTP 500 otherwise).
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet_a = ec2.create_subnet(
        VpcId=vpc, CidrBlock="10.42.1.0/24", AvailabilityZone=f"{region}a"
    )["Subnet"]["SubnetId"]
    subnet_b = ec2.create_subnet(
        VpcId=vpc, CidrBlock="10.42.2.0/24", AvailabilityZone=f"{region}b"
    )["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(
        GroupName="ecs-reconciler-emulator", Description="ecs-reconciler emulator", VpcId=vpc
    )["GroupId"]
    lb = elbv2.create_load_balancer(
        Name="ecs-reconciler-emulator",
        Subnets=[subnet_a, subnet_b],
        SecurityGroups=[sg],
        Type="application",
        Scheme="internal",
    )["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elbv2.create_target_group(
        Name="ecs-reconciler-emulator",
        Protocol="HTTP",
        Port=80,
        VpcId=vpc,
        TargetType="ip",
        HealthCheckPath="/",
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
    return {
        "VPC_ID": vpc,
        "SUBNET_A": subnet_a,
        "SUBNET_B": subnet_b,
        "SECURITY_GROUP": sg,
        "LOAD_BALANCER_ARN": lb,
        "TARGET_GROUP_ARN": tg,
    }


def make_ec2_capacity(endpoint: str, region: str, network: dict[str, str]) -> dict[str, str]:
    """The example estate's EC2 capacity: a launch template and an Auto Scaling group of
    instances whose ECS agent joins the cluster capacity.EC2_CLUSTER (see capacity.py).
    Made with or without the extensions: it is the account the tests run against."""
    import capacity

    return capacity.make_capacity(
        endpoint, region, [network["SUBNET_A"], network["SUBNET_B"]], network["SECURITY_GROUP"]
    )


def make_blue_green_load_balancing(endpoint: str, region: str, network: dict[str, str]) -> dict[str, str]:
    """What the example estate's blue/green service needs, next to make_network's ALB.

    ECS-native blue/green (ECS API reference, AdvancedConfiguration; developer guide,
    "Amazon ECS blue/green deployments"): the service's load balancer names the
    production target group (targetGroupArn) and advancedConfiguration names the
    alternate target group, the production listener rule, the test listener rule and an
    IAM role that lets ECS move traffic between them (trusted by ecs.amazonaws.com, with
    the managed AmazonECSInfrastructureRolePolicyForLoadBalancers). CodeDeploy
    blue/green (CodeDeploy API reference, TargetGroupPairInfo) uses the same two target
    groups and the production and test listeners. Both rules forward to the pair with
    weights, as ECS expects to shift them (production: blue 100, green 0; test: green).
    """
    import boto3

    kw: dict[str, Any] = {"region_name": region, "endpoint_url": endpoint}
    elbv2 = boto3.client("elbv2", **kw)
    iam = boto3.client("iam", **kw)

    def target_group(name: str) -> str:
        return elbv2.create_target_group(
            Name=name, Protocol="HTTP", Port=80, VpcId=network["VPC_ID"], TargetType="ip", HealthCheckPath="/"
        )["TargetGroups"][0]["TargetGroupArn"]

    blue = target_group("ecs-reconciler-blue")
    green = target_group("ecs-reconciler-green")

    def forward(weights: list[tuple[str, int]]) -> list[dict[str, Any]]:
        return [{"Type": "forward", "ForwardConfig": {"TargetGroups": [{"TargetGroupArn": a, "Weight": w} for a, w in weights]}}]

    def listener_with_rule(port: int, weights: list[tuple[str, int]]) -> tuple[str, str]:
        listener = elbv2.create_listener(
            LoadBalancerArn=network["LOAD_BALANCER_ARN"], Protocol="HTTP", Port=port, DefaultActions=forward(weights)
        )["Listeners"][0]["ListenerArn"]
        rule = elbv2.create_rule(
            ListenerArn=listener,
            Priority=1,
            Conditions=[{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*"]}}],
            Actions=forward(weights),
        )["Rules"][0]["RuleArn"]
        return listener, rule

    prod_listener, prod_rule = listener_with_rule(8080, [(blue, 100), (green, 0)])
    test_listener, test_rule = listener_with_rule(9090, [(blue, 0), (green, 100)])
    role_name = "ecs-reconciler-emulator-ecs-infrastructure"
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
    try:
        role = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    except iam.exceptions.EntityAlreadyExistsException:  # IAM is global: the second region finds it
        role = iam.get_role(RoleName=role_name)["Role"]["Arn"]
    try:
        iam.attach_role_policy(
            RoleName=role_name,
            PolicyArn="arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers",
        )
    except Exception:  # noqa: BLE001 - moto may not know every managed policy; the role still exists
        pass
    return {
        "BLUE_TARGET_GROUP_ARN": blue,
        "GREEN_TARGET_GROUP_ARN": green,
        "PRODUCTION_LISTENER_ARN": prod_listener,
        "PRODUCTION_LISTENER_RULE_ARN": prod_rule,
        "TEST_LISTENER_ARN": test_listener,
        "TEST_LISTENER_RULE_ARN": test_rule,
        "ECS_LOAD_BALANCER_ROLE_ARN": role,
    }


def write_env_file(path: str, values: dict[str, str]) -> None:
    """Write NAME=value lines atomically (a reader never sees half a file)."""
    path = os.path.abspath(path)
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".emulator-env-", dir=directory)
    with os.fdopen(fd, "w") as fh:
        fh.write("# written by scripts/emulator; valid while it runs\n")
        for k, v in values.items():
            fh.write(f"{k}={v}\n")
    os.replace(tmp, path)


def wait_until_answers(endpoint: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{endpoint}/ecs-reconciler/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"emulator at {endpoint} did not answer within {timeout}s")
        time.sleep(0.1)


def main() -> int:
    p = argparse.ArgumentParser(prog="scripts/emulator")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--region", default=DEFAULT_REGION)
    p.add_argument("--env-file", required=True)
    p.add_argument("--no-extra-region", action="store_true")
    p.add_argument("--exit-on-stdin-eof", action="store_true")
    args = p.parse_args()

    # Proxy settings must not divert the calls to 127.0.0.1.
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"

    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    if os.environ.get("ECS_EMULATOR_VERBOSE") != "1":
        # one access-log line per request drowns the test output; set
        # ECS_EMULATOR_VERBOSE=1 to see them
        logging.getLogger("werkzeug").setLevel(logging.ERROR)

    if os.environ.get("ECS_EMULATOR_NO_EXTENSIONS") == "1":
        log("ECS_EMULATOR_NO_EXTENSIONS=1: running plain moto (the gap tests will fail)")
    else:
        import ecs_gaps

        for name in ecs_gaps.apply():
            log(f"extension: {name}")
        import prune_gaps

        for name in prune_gaps.apply():
            log(f"extension: {name}")
        import tagging_gaps

        for name in tagging_gaps.apply():
            log(f"extension: {name}")
        import autoscaling_gaps

        for name in autoscaling_gaps.apply():
            log(f"extension: {name}")
        import capacity

        for name in capacity.apply():
            log(f"extension: {name}")
        # after the gap extensions, so that the rollout simulation wraps them
        import deployments

        for name in deployments.apply():
            log(f"extension: {name}")

    # test hooks after the ECS extensions, so that they wrap them; inert until a test arms one
    import test_hooks

    log(f"extension: {test_hooks.install()}")

    app = wrap_app(DomainDispatcherApplication(create_backend_app))
    server = make_server(HOST, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    port = server.server_address[1]
    endpoint = f"http://{HOST}:{port}"
    thread = threading.Thread(target=server.serve_forever, name="moto", daemon=True)
    thread.start()

    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.exit_on_stdin_eof:
        # The parent (e.g. the vitest global setup) holds our stdin open; when it dies,
        # even without sending SIGTERM, we see EOF and stop: no orphaned emulator.
        def watch_stdin() -> None:
            while sys.stdin.buffer.read(4096):
                pass
            stop.set()

        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()

    try:
        wait_until_answers(endpoint)
        values = {
            "AWS_REGION": args.region,
            "AWS_DEFAULT_REGION": args.region,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "ECS_ENDPOINT": endpoint,
            "AWS_ENDPOINT_URL": endpoint,
            "ECS_EMULATOR_RESET_URL": f"{endpoint}/ecs-reconciler/reset",
        }
        if os.environ.get("ECS_EMULATOR_NO_EXTENSIONS") != "1":
            import deployments

            # how long a simulated rollout takes, for the tests that wait on one
            values["ECS_EMULATOR_ROLLOUT_SECONDS"] = str(deployments.rollout_seconds())
        network = make_network(endpoint, args.region)
        values.update(network)
        values.update(make_ec2_capacity(endpoint, args.region, network))
        values.update(make_blue_green_load_balancing(endpoint, args.region, network))
        if not args.no_extra_region and args.region != EXTRA_REGION:
            prefix = EXTRA_REGION.upper().replace("-", "_") + "_"
            values.update({prefix + k: v for k, v in make_network(endpoint, EXTRA_REGION).items()})
        write_env_file(args.env_file, values)
    except Exception as exc:  # noqa: BLE001
        log(f"setup failed: {exc!r}")
        server.shutdown()
        return 1

    print(f"ECS endpoint: {endpoint}", flush=True)
    while not stop.wait(0.5):
        pass
    log("stopping")
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    # Nothing is left to save (the state is in memory by design): skip the slow
    # interpreter teardown of moto's many modules.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
