/// The default fixture `holdfast-sandbox` serves when no `--fixture` is given.
///
/// All credentials are realistic-shaped fakes made for this file (the EC key was generated with
/// `openssl ecparam -name prime256v1 -genkey`, the Ed25519 key from random bytes, the Binance Ed25519 and
/// RSA-2048 key pairs with `openssl genpkey`); none works anywhere else. The Binance asymmetric accounts carry
/// the private PEM a user pastes into Holdfast as `apiSecret` and the registered half as `publicKey`.
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
      ],
      "binanceWallets": {
        "funding": [
          {
            "asset": "USDT",
            "free": "25",
            "locked": "0",
            "freeze": "0",
            "withdrawing": "0"
          }
        ],
        "flexible": [
          {
            "asset": "USDT",
            "amount": "100"
          },
          {
            "asset": "BNB",
            "amount": "1.5"
          }
        ],
        "locked": [
          {
            "asset": "ETH",
            "amount": "0.5"
          }
        ],
        "rwusd": "10"
      }
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
      "exchange": "binance",
      "label": "Binance Ed25519 key (recommended type)",
      "apiKey": "se5xv8szIBwaJMZOtxZf3ArGbJ5thUszmdhBgk2mrOAlk85LagreXDqcQDYCeGN1",
      "apiSecret": "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIP8P+Xk3spV4HWwOPSHNMCkcyAp3udv7EgR5Eaw0dpSU\n-----END PRIVATE KEY-----\n",
      "publicKey": "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA4ma3tfD1LSMXiHHm8/WeggmvddTzRjp2ACDXf66zpk4=\n-----END PUBLIC KEY-----\n",
      "canTrade": false,
      "canWithdraw": false,
      "balances": [
        {
          "asset": "BTC",
          "free": "0.25",
          "locked": "0"
        },
        {
          "asset": "SOL",
          "free": "12.5",
          "locked": "0.5"
        }
      ]
    },
    {
      "exchange": "binance",
      "label": "Binance RSA key",
      "apiKey": "WqyxkBlCIeNG2CaUr6fbEfqRoCn7cLI3vIux272cuHOevs64AhWSfiqgC2G082JH",
      "apiSecret": "-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCXl1o52oy2z9oW\nU0gGVnaB72OnRPgrVY89DdBLByju7O0nXlXLvVasMQGQvsuJxC11xXLifB9M8WOm\nX6bDwMewqeMAOw7clDbd1XFa9vg+o6p9eD7xfMh5IyAGvFp/VoKeu0kX3QsiH1wI\nzK+KiHbuH/8mtIYZpeHNDgbumr2SErFgqtPoXL/66yp1uzRmZU7RL8Qs4hTQCh3p\nh6+5Nj4KT8RvC+RG7sT8aZYVzdLVpf1vaXNZdYQ5aAAMVMBW56eeCJNnY59oVfPq\n6CP4EFkzyupc67KVOXteS111+DdtXEK/QpuNvBGa79HwEv8xDDQdj+uBiiCb5B6Y\nmPPNs44fAgMBAAECggEANcbCgj2Op5eqxTq8FUt89PFIh+FGrJDIpJ8O4l7i3Yd9\nRfcINqOvaJxl8sRMjk3i1qG59LCVpgUIFdBe55iu/nP2DHHm/scxg5ahhOSSAh6r\nb6FFqwNaVuboCJuu+vdklQzZjDalKXC4hIKgT2PD1QvSxxdJbzXSmZy9Rs3sLDIb\nagmO1W5C9H40EFsbEGcZhr1gBFBl8TvdEg8CORIxvXiIsUs0roYt+YCiAOZMgpCW\nR2QK6eFEezfvBCUx3i4SskUoWIADuByfo/Yv5KmMba3R+oJezaRNvY607CzHvjYU\niOy/8qUiFREZPmary1m4K1Z0smPal2smwBOXrcbVAQKBgQDQ6gBtcUYabdM3GVkz\n0Xqd6KzWZUuMyWtZy46/VJfh71ZTV2XfYhWmbQsCR1ln83rYc/95d6LkEk/nVDLS\nnhYYq65v0s4jUrjJ14CsuXm2d0UCzIIjB0sHNYfGX3YgRcVvmN5VMuxj4Uj84zfl\nwlqT+UORioe8bL76ljLuBmAVgQKBgQC5weqpxuWTj77aSDr8IKiO846JjxLme/U7\n4EO/B2HHMXeg7VKN5gny3CexHMvaaBunRGSQ9P3GTR9RPTCbPmV8DDJyn20PYVWY\nF/FT9IWk9UtRTSFB8nlKQ1cXXrkaeum9/IB52ZJTum52W/NPldrpdDMoSK8+607I\ng7uMqX2znwKBgQC3VSKa6FTEzKwWJkCJoMMh4BYM70elfPygCGp0rR+8PfRbns7f\ngYvOSNLoZQSonJqpaOJBDiP8UbWdI96VxfVOIRsrNqt/hBB10JAzA3E0FuaQ1jc9\n1iCZaviDtTJMj+37SQOTcOTRodoTUrKzBiPGx2/sQM1tJWFTNovrJd0cAQKBgFWb\na8VAl67wsTkxzpVBi80Nq+PzXvd/qx4kFbSk90fwoTw2AzTIDk+xbE1wgvYtwojM\nuTgg4A+SnVs4Qv1YvTZ0/I7csEtFRUgpyJszdp/2N/bJAAm/cGxsKmfnzJDKkoxv\nINqHDauuoJfFepVz74ZleeoXzUPG9/Dq3PVPa1HrAoGBAKg5HZQmh3ai9JTg/P75\noAATiQIMdpwPP7Yb4CKiTcUxpAJZvV8Z5k6dxhPjgcqwAK8k/YXCGVs1OUNJa6n6\nN27xtxjG+AQH8zf+1pcucBNhvZtmilPMj6SkySyIV/pHswWfp9/L+9dwcKoUR/tR\nR011YQvlMAHg0z6PIihhbr0E\n-----END PRIVATE KEY-----\n",
      "publicKey": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAl5daOdqMts/aFlNIBlZ2\nge9jp0T4K1WPPQ3QSwco7uztJ15Vy71WrDEBkL7LicQtdcVy4nwfTPFjpl+mw8DH\nsKnjADsO3JQ23dVxWvb4PqOqfXg+8XzIeSMgBrxaf1aCnrtJF90LIh9cCMyvioh2\n7h//JrSGGaXhzQ4G7pq9khKxYKrT6Fy/+usqdbs0ZmVO0S/ELOIU0Aod6YevuTY+\nCk/EbwvkRu7E/GmWFc3S1aX9b2lzWXWEOWgADFTAVuenngiTZ2OfaFXz6ugj+BBZ\nM8rqXOuylTl7Xktddfg3bVxCv0KbjbwRmu/R8BL/MQw0HY/rgYogm+QemJjzzbOO\nHwIDAQAB\n-----END PUBLIC KEY-----\n",
      "canTrade": false,
      "canWithdraw": false,
      "balances": [
        {
          "asset": "ETH",
          "free": "1.75",
          "locked": "0"
        },
        {
          "asset": "USDC",
          "free": "320.5",
          "locked": "0"
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
    },
    {
      "exchange": "okx",
      "label": "OKX read-only key",
      "apiKey": "f0b29f56-f92d-4307-9a9e-48f5d69c7f85",
      "apiSecret": "90217E9CBA7C27F6F2C48481268F09C8",
      "passphrase": "Demo-Okx-Pass-7",
      "canTrade": false,
      "canWithdraw": false,
      "balances": [
        {"asset": "BTC", "free": "0.42", "locked": "0.08"},
        {"asset": "USDT", "free": "3150.25"},
        {"asset": "ETH", "free": "1.1"}
      ],
      "okx": {
        "funding": [
          {"asset": "USDT", "free": "480", "locked": "20"},
          {"asset": "BETH", "free": "0.3"}
        ],
        "savings": [
          {"asset": "USDT", "amount": "1000"},
          {"asset": "BTC", "amount": "0.05"}
        ],
        "onchain": [
          {"asset": "DOT", "amount": "50"}
        ],
        "ethStaking": "0.3",
        "perm": "read_only"
      }
    },
    {
      "exchange": "bitvavo",
      "label": "Bitvavo view key",
      "apiKey": "b9960d838f71e08162fdfd99a37d8ec35607b4302f4d296c6bc64538279daf09",
      "apiSecret": "03d73ee58ba990ea5e7ded71f4c0f60569e04e0a4a38ffd0e54c8698ace404fd1bbeb49b1d3b0e18ed7aede804f15c55d44b00e33bced6e86275006ebceea362",
      "balances": [
        {
          "asset": "EUR",
          "free": "1250.4",
          "locked": "0"
        },
        {
          "asset": "BTC",
          "free": "0.0345",
          "locked": "0"
        },
        {
          "asset": "ETH",
          "free": "0.8",
          "locked": "0.5"
        }
      ],
      "bitvavo": {
        "staking": [
          {
            "symbol": "ETH",
            "amount": "0.75"
          }
        ]
      }
    },
    {
      "exchange": "bybit",
      "label": "Bybit UTA 2.0 read-only",
      "apiKey": "hQ7vKp2XwN9mTz4RbL",
      "apiSecret": "Xk3pR8vNq2LmZt7WbY5sJd9HfG4cTe6UaQ1w",
      "canTrade": false,
      "canWithdraw": false,
      "balances": [
        {"asset": "BTC", "free": "0.3", "locked": "0.05", "wallet": "unified"},
        {"asset": "ETH", "free": "1.8", "wallet": "unified"},
        {"asset": "USDT", "free": "1250", "wallet": "unified", "liability": "200"},
        {"asset": "USDC", "free": "300", "wallet": "funding"},
        {"asset": "MNT", "free": "150", "wallet": "funding"},
        {"asset": "USDT", "free": "500", "wallet": "earn-flexible"}
      ],
      "bybit": {
        "accountMode": 6,
        "accruedInterest": {"USDT": "0.0123"},
        "overviewExtras": [{"accountType": "TradingBot", "equity": "120.5"}]
      }
    },
    {
      "exchange": "bybit",
      "label": "Bybit Netherlands key",
      "apiKey": "Nl4bYbT8kQ2vZx7mWp",
      "apiSecret": "Pq9sL2xV7nB4mK8wR3tY6cF1hJ5dG0zAeU7i",
      "canTrade": false,
      "canWithdraw": false,
      "region": "nl",
      "balances": [
        {"asset": "BTC", "free": "0.02", "wallet": "unified"},
        {"asset": "EUR", "free": "150", "wallet": "funding"}
      ]
    }
  ]
}
"""#
}
