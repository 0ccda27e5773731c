"""Where a webhook may go: public addresses, or the networks the operator allows."""

from __future__ import annotations

import pytest

from services.notify.adapters.channels import allowed_networks
from services.notify.adapters.targets import WebhookTargets
from services.notify.domain.targets import TargetPolicy

REFUSED = {
    "127.0.0.1": "本机回环地址",
    "127.8.9.10": "本机回环地址",
    "::1": "本机回环地址",
    "169.254.169.254": "链路本地地址",  # a cloud's metadata service
    "fe80::1%eth0": "链路本地地址",
    "10.1.2.3": "内网地址",
    "172.16.0.1": "内网地址",
    "192.168.1.1": "内网地址",
    "fd12:3456::1": "内网地址",
    "224.0.0.1": "组播地址",
    "ff02::1": "组播地址",
    "0.0.0.0": "未指定地址",
    "::": "未指定地址",
    "100.64.0.1": "保留地址",  # shared address space (carrier NAT)
    "240.0.0.1": "保留地址",
    "192.0.2.1": "保留地址",  # documentation
    "2001:db8::1": "保留地址",
    "::ffff:127.0.0.1": "本机回环地址",  # IPv4 inside IPv6: where the connection ends up
    "64:ff9b::a00:1": "内网地址",  # NAT64 to 10.0.0.1
    "2002:7f00:1::": "本机回环地址",  # 6to4 of 127.0.0.1
}
PUBLIC = ("8.8.8.8", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808")


@pytest.mark.parametrize("address", sorted(REFUSED))
def test_what_is_not_public_is_refused_and_named(address):
    assert TargetPolicy().refusal(address) == REFUSED[address]


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_targets(address):
    assert TargetPolicy().refusal(address) is None


def test_the_operator_allows_networks_and_only_those():
    policy = allowed_networks(" 127.0.0.0/8, 10.20.0.0/16 ,::1/128")
    assert [policy.refusal(a) for a in ("127.0.0.1", "::1", "10.20.3.4", "::ffff:10.20.3.4")] == [
        None
    ] * 4
    assert policy.refusal("10.21.0.1") == "内网地址"
    assert allowed_networks("").allowed == ()
    with pytest.raises(ValueError, match="TAIZHANG_WEBHOOK_ALLOWED_NETWORKS"):
        allowed_networks("10.0.0.0/8,intranet")


def resolver(answers: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError(f"{host} does not resolve")
        return answers[host]

    return resolve


def test_a_name_is_judged_by_every_address_it_resolves_to():
    targets = WebhookTargets(
        TargetPolicy(),
        resolver({"hooks.example": ["93.184.216.34"], "both.example": ["8.8.8.8", "10.0.0.1"]}),
    )
    assert targets.refusal("https://hooks.example/taizhang") is None
    assert (
        targets.refusal("http://both.example:8080/h")
        == "不能发往both.example（10.0.0.1）：内网地址"
    )
    assert targets.refusal("http://later.example/h") is None  # checked again when sent
    with pytest.raises(ValueError, match=r"10\.0\.0\.1"):
        targets.addresses("both.example", 80)
