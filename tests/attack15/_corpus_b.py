# ruff: noqa: E501
"""30 new ETL error lines with secrets (issue 12 retry). LINES: (line, secret)."""

LINES = [
    (
        "ERROR loader: snowflake auth failed private_key_passphrase=Qx7vLmP2rT9wKz4N for user ETL_SVC",
        "Qx7vLmP2rT9wKz4N",
    ),
    (
        "ERROR gpg: decrypt of batch.csv.gpg failed, passphrase 'Vw3nRt8KqZ2mLp6Y' rejected",
        "Vw3nRt8KqZ2mLp6Y",
    ),
    (
        'ERROR pagerduty notify failed: {"routing_key": "R02b7c9e4f1a8d3c6b5e0f9a2d4c7e1b8", "event_action": "trigger"}',
        "R02b7c9e4f1a8d3c6b5e0f9a2d4c7e1b8",
    ),
    (
        "ERROR requests.exceptions.HTTPError: 403 for url https://api.datadoghq.com/api/v1/series with header DD-API-KEY: 4f9c2e7a1b8d3f6e0a5c9b2d7e4f1a8c",
        "4f9c2e7a1b8d3f6e0a5c9b2d7e4f1a8c",
    ),
    (
        "ERROR azure function call failed: x-functions-key: Zt8Wq3mN7vLr2Kx9Pb4Jc6Hd1Fg5Sa0Qe== status=401",
        "Zt8Wq3mN7vLr2Kx9Pb4Jc6Hd1Fg5Sa0Qe",
    ),
    (
        "ERROR apim: 401 Unauthorized, Ocp-Apim-Subscription-Key=7d3e9a1c5b2f48e6a0c9d7b1e3f5a2c8 invalid",
        "7d3e9a1c5b2f48e6a0c9d7b1e3f5a2c8",
    ),
    (
        "ERROR ruby worker: connect failed with {:host => 'db1', :password => 'RbPw4kT9xQ2mZ7'}",
        "RbPw4kT9xQ2mZ7",
    ),
    (
        "ERROR sql: ALTER USER etl_loader WITH PASSWORD 'AltPw9xKq2Lm7Zt' failed: permission denied",
        "AltPw9xKq2Lm7Zt",
    ),
    (
        "ERROR redshift: CREATE USER report_ro PASSWORD 'Md5Rs8vTq3Wx6Ny' failed: duplicate user",
        "Md5Rs8vTq3Wx6Ny",
    ),
    (
        "ERROR netrc parse: machine ftp.partner.com login etl password NrcQ8wZ3xT6vKm",
        "NrcQ8wZ3xT6vKm",
    ),
    (
        "ERROR 2fa setup failed, totp_seed=JBSWY3DPEHPK3PXPQRSTUVWX for user etl",
        "JBSWY3DPEHPK3PXPQRSTUVWX",
    ),
    (
        "ERROR oauth callback failed: GET /callback?code=4/0AfJohXk8Tq2Wm9Rz3Vn7Lp5Yc1Bd6Hs&state=xyz returned 500",
        "4/0AfJohXk8Tq2Wm9Rz3Vn7Lp5Yc1Bd6Hs",
    ),
    (
        "ERROR gcs download 403: https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature=9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b",
        "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b",
    ),
    (
        "ERROR slack socket mode failed with app token xapp-1-A05B7C9D1E2-6112233445566-9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
        "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    ),
    (
        "ERROR github app: refresh failed for ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498",
        "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498",
    ),
    (
        "ERROR github: user token ghu_16C7e42F292c6912E7710c838347Ae178B4a expired",
        "ghu_16C7e42F292c6912E7710c838347Ae178B4a",
    ),
    (
        "ERROR okta: GET /api/v1/users failed 401 using SSWS 00Qb7xKm2Tz9Lw4Rv8Np3Jc6Hd1Fg5Sa0QeYtUi",
        "00Qb7xKm2Tz9Lw4Rv8Np3Jc6Hd1Fg5Sa0QeYtUi",
    ),
    (
        "ERROR botocore: Unable to locate valid creds, got AKIAZ7QX3MPL4KTR9WNB:hX9kT2mQ7vLp4Rz8Wn3Yc6Bd1Fs5Ga0JeKtUiOp from ~/.aws/export",
        "hX9kT2mQ7vLp4Rz8Wn3Yc6Bd1Fs5Ga0JeKtUiOp",
    ),
    (
        "ERROR spark: option spark.snowflake.sfPassword=SfPwLq8Zt3Xv6Km rejected by connector",
        "SfPwLq8Zt3Xv6Km",
    ),
    (
        'ERROR config: {"clientSecret":"Cs7Tq2Wm9Rz3Vn8Lp5Yc1Bd6","tenantId":"t1"} invalid',
        "Cs7Tq2Wm9Rz3Vn8Lp5Yc1Bd6",
    ),
    (
        "ERROR signer: secretKey=Sk4Xq9Wm2Rz7Vn3Lp8Yc5Bd1Hs6 not accepted by minio",
        "Sk4Xq9Wm2Rz7Vn3Lp8Yc5Bd1Hs6",
    ),
    (
        "ERROR putty key load failed: Private-Lines: 14 AAAAgQCb7Kz3Xq9Wm2Rz7Vn3Lp8Yc5Bd1Hs6Tq2Wm9Rz3Vn8Lp5Yc1Bd6",
        "AAAAgQCb7Kz3Xq9Wm2Rz7Vn3Lp8Yc5Bd1Hs6",
    ),
    (
        "ERROR mysql: MYSQL_PWD=MyEnv7Kq2Zt9Xw is set but access denied for 'etl'@'10.0.0.5'",
        "MyEnv7Kq2Zt9Xw",
    ),
    (
        "ERROR django: SECRET_KEY_BASE=a8f3c9e1b7d24f6a0c5e9b3d7f1a4c8e2b6d0f9a3c7e1b5d9f2a6c0e4b8d3f7a1 too short",
        "a8f3c9e1b7d24f6a0c5e9b3d7f1a4c8e2b6d0f9a3c7e1b5d9f2a6c0e4b8d3f7a1",
    ),
    (
        "ERROR http: 401 from partner api, sent apikey: Ak9Tq2Wm7Rz3Vn8Lp5Yc1Bd6Hs",
        "Ak9Tq2Wm7Rz3Vn8Lp5Yc1Bd6Hs",
    ),
    (
        "ERROR requests: GET https://api.partner.io/v2/export?api-key=Pk3Xq8Wm2Rz7Vn9Lp4Yc6Bd1 returned 403",
        "Pk3Xq8Wm2Rz7Vn9Lp4Yc6Bd1",
    ),
    (
        "ERROR cookie rejected: Set-Cookie: sessionid=Sx9Kq2Wm7Rz3Vn8Lp5Yc1Bd6Hs4Tg; HttpOnly",
        "Sx9Kq2Wm7Rz3Vn8Lp5Yc1Bd6Hs4Tg",
    ),
    (
        "ERROR redis: connect to redis://:RdPw8Kq3Zt7Xw2Vn@cache.internal:6379/0 refused",
        "RdPw8Kq3Zt7Xw2Vn",
    ),
    (
        "ERROR sftp: paramiko AuthenticationException for etl with key passphrase Pp6Wq2Zt9Km4Xv",
        "Pp6Wq2Zt9Km4Xv",
    ),
    (
        "ERROR vault: unseal failed, unseal key 1: Uk8Xq3Wm7Rz2Vn9Lp4Yc6Bd1Hs5Tg0Qe+Fa=",
        "Uk8Xq3Wm7Rz2Vn9Lp4Yc6Bd1Hs5Tg0Qe",
    ),
]
