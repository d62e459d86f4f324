/// The default fixture `holdfast-sandbox` serves when no `--fixture` is given.
///
/// All credentials are realistic-shaped fakes made for this file (the EC key was generated with
/// `openssl ecparam -name prime256v1 -genkey`, the Ed25519 key from random bytes); none works anywhere else.
public enum DemoFixture {
    /// The fixture JSON (see `Fixture` for the format).
    public static let json = #"""
{
  "exchangeFaults": {},
  "accounts": [
    {
      "exchange": "binance",
      "label": "Binance read-only",
      "apiKey": "kfhfgtKAQWYm85EZgslmBp65HpUbz04IfkvXL9M9Z6QuSgBMGbBwLHQd9DppsJcR",
      "apiSecret": "wbos8Ljv30zU8JaLrh2mT4EsmcBXmCZuPyYBz3EMHj8RPyO33QJBu0kiSmRCJtvJ",
      "canTrade": false,
      "canWithdraw": false,
      "balances": [
        {
          "asset": "BTC",
          "free": "0.5",
          "locked": "0.1"
        },
        {
          "asset": "ETH",
          "free": "2.25",
          "locked": "0"
        },
        {
          "asset": "USDT",
          "free": "1500.75",
          "locked": "0"
        },
        {
          "asset": "LDUSDT",
          "free": "100",
          "locked": "0"
        },
        {
          "asset": "LDBNB",
          "free": "1.5",
          "locked": "0"
        },
        {
          "asset": "BNB",
          "free": "0.8",
          "locked": "0"
        },
        {
          "asset": "LDO",
          "free": "42",
          "locked": "0"
        },
        {
          "asset": "ZRX",
          "free": "0",
          "locked": "0"
        }
      ]
    },
    {
      "exchange": "binance",
      "label": "Binance trading key",
      "apiKey": "zU4774OmBI1yICxqKQ4OVM9bFT5chiRVwlI6xfMTZiUaFFtbuUgngnGwIfriaRGx",
      "apiSecret": "5ejxEyPqRaGpJi2QWh2qxKZ8wahIoxfKAhQVzPH9fLnk7Ln38faIsUxQQIgtmu4X",
      "canTrade": true,
      "canWithdraw": true,
      "balances": [
        {
          "asset": "BTC",
          "free": "0.01"
        }
      ]
    },
    {
      "exchange": "coinbase",
      "label": "Coinbase CDP ECDSA",
      "apiKey": "organizations/c320c558-043f-4a5a-9dbc-4b2398126c7a/apiKeys/801c07a1-1b1b-443f-b095-5220a5f740d9",
      "apiSecret": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIK+FcIe+2lEHf8izEtpMzNCeHDR/oNgqtxDBvAF29WqCoAoGCCqGSM49\nAwEHoUQDQgAEMeVoiKw4bZzJ6cPQd2nCKRLhUNaQWbIZeaXGcp13RZgddCSsUh6T\nh0fO83GJQPYHwMDjs2HY9ybgXTET2i8fpA==\n-----END EC PRIVATE KEY-----\n",
      "canTrade": false,
      "canWithdraw": false,
      "pageSize": 2,
      "balances": [
        {
          "asset": "BTC",
          "free": "0.25",
          "locked": "0.01",
          "wallet": "3d6b513f-dd89-47b4-b7bd-df6043d6250e"
        },
        {
          "asset": "ETH",
          "free": "1.5",
          "wallet": "3d6b513f-dd89-47b4-b7bd-df6043d6250e"
        },
        {
          "asset": "USD",
          "free": "1000.50",
          "wallet": "3d6b513f-dd89-47b4-b7bd-df6043d6250e"
        },
        {
          "asset": "SOL",
          "free": "10",
          "wallet": "3d6b513f-dd89-47b4-b7bd-df6043d6250e"
        },
        {
          "asset": "BTC",
          "free": "0.05",
          "wallet": "16a363a1-ef21-494e-b8fa-3275142d4cca"
        },
        {
          "asset": "USDC",
          "free": "250",
          "locked": "5",
          "wallet": "16a363a1-ef21-494e-b8fa-3275142d4cca"
        }
      ]
    },
    {
      "exchange": "coinbase",
      "label": "Coinbase CDP Ed25519",
      "apiKey": "7d3f0a52-6b1e-4c8a-9f3d-2e5b8c1a4d67",
      "apiSecret": "LsHZXVDuqIFbbRz35NlutJW71i7iTnMOMo2BqA6/stkqW/858MIbVLvp92z0hxvHbCG6XCS5CeCNW70VDUGSDQ==",
      "canTrade": true,
      "canWithdraw": false,
      "balances": [
        {
          "asset": "BTC",
          "free": "0.1"
        },
        {
          "asset": "EUR",
          "free": "320.4"
        }
      ]
    },
    {
      "exchange": "coinbaseexchange",
      "label": "Coinbase Exchange",
      "apiKey": "e7793740dd9ed21037145a522269eb1e",
      "apiSecret": "YUZOKL4MST9GZAutwwkWF1GtIVSJ3QlIloChaF9FHUEClSeBtNRZPbwPm4QQ2EC/oV5O3WeyB6QDI/XkDnTQIQ==",
      "passphrase": "f6f99dc49a3f4eb1",
      "balances": [
        {
          "asset": "BTC",
          "free": "1.5",
          "locked": "0.5"
        },
        {
          "asset": "USD",
          "free": "25000",
          "locked": "0"
        },
        {
          "asset": "ETH",
          "free": "0"
        }
      ]
    },
    {
      "exchange": "kraken",
      "label": "Kraken query-funds key",
      "apiKey": "YqeTVFLSfJak0g7b2bE1yYbJc3oWhlzl64Ttzsfs1E7lg0FnHH8hBgUp",
      "apiSecret": "//vUm7/aAYqDu5J0IzjwQH2vRc/ci4AZV04r+gfi2FdaSmxw91VlM3VNRyR8DYkyDwOKSrOn1VQEC9hfTgxhwg==",
      "balances": [
        {
          "asset": "XXBT",
          "free": "1.1345",
          "locked": "0.1"
        },
        {
          "asset": "XBT.M",
          "free": "0.01"
        },
        {
          "asset": "XETH",
          "free": "3"
        },
        {
          "asset": "ETH2.S",
          "free": "1"
        },
        {
          "asset": "ETH2",
          "free": "0.5"
        },
        {
          "asset": "DOT.S",
          "free": "100"
        },
        {
          "asset": "DOT",
          "free": "5"
        },
        {
          "asset": "ZUSD",
          "free": "250"
        },
        {
          "asset": "USD.HOLD",
          "free": "10"
        },
        {
          "asset": "XTZ",
          "free": "40"
        },
        {
          "asset": "XXDG",
          "free": "1000"
        },
        {
          "asset": "USDT",
          "free": "50"
        },
        {
          "asset": "ADA.F",
          "free": "12.5"
        }
      ]
    },
    {
      "exchange": "kraken",
      "label": "Kraken staking key (lock-up ids, fee credits, xStocks)",
      "apiKey": "ORlxJNtSptuBsCmip0Tbh4X2Ga6oWZ4JhnNY3HX8tMGBNwSzrAmvrKS2",
      "apiSecret": "gR4vogsoQUv8bKyq1+sbuLp0WdFEVpyAkRgGuOzcOt8K6jMaB4QiUTZZ93Xq29rHxq12FaW1nR3l4ert1d0rLA==",
      "balances": [
        {"asset": "DOT", "free": "1"},
        {"asset": "DOT28.S", "free": "12.5"},
        {"asset": "SOL03.S", "free": "3.25"},
        {"asset": "ATOM21.S", "free": "7"},
        {"asset": "API3", "free": "2"},
        {"asset": "KFEE", "free": "1000"},
        {"asset": "AAPLx.T", "free": "0.5"}
      ]
    },
    {
      "exchange": "kucoin",
      "label": "KuCoin general key",
      "apiKey": "665f2c1e8b0a4d0001a3c9b7",
      "apiSecret": "5a1c9e2b-7f3d-4e8a-b6c1-0d9f8e7a6b5c",
      "passphrase": "demo-Passphrase-42",
      "canTrade": false,
      "canWithdraw": false,
      "balances": [
        {
          "asset": "BTC",
          "free": "0.3",
          "wallet": "main"
        },
        {
          "asset": "BTC",
          "free": "0.15",
          "locked": "0.05",
          "wallet": "trade"
        },
        {
          "asset": "USDT",
          "free": "100",
          "wallet": "main"
        },
        {
          "asset": "USDT",
          "free": "50",
          "wallet": "trade"
        },
        {
          "asset": "USDT",
          "free": "25",
          "wallet": "margin"
        },
        {
          "asset": "ETH",
          "free": "1",
          "wallet": "trade"
        },
        {
          "asset": "KCS",
          "free": "0",
          "wallet": "main"
        }
      ]
    }
  ]
}
"""#
}
