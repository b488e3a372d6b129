# Build the Windows setup on a Windows PC (or the GitHub Actions runner) with Python 3.11 and NSIS:
#   powershell -ExecutionPolicy Bypass -File installer\build-windows.ps1
# Result: dist\CommuneDesk\ (the PyInstaller folder, self-tested) and dist\CommuneDesk-Setup-<version>.exe
param(
    [string]$Python = "python",
    [string]$MakeNsis = "makensis"
)
$ErrorActionPreference = "Stop"
$root = Split-Path -Parent $PSScriptRoot
Set-Location $root

function Run([string]$what, [scriptblock]$command) {
    & $command
    if ($LASTEXITCODE -ne 0) { throw "$what failed (exit $LASTEXITCODE)" }
}

Run "venv" { & $Python -m venv .venv-win }
$py = Join-Path $root ".venv-win\Scripts\python.exe"
Run "pip" { & $py -m pip install -q --upgrade pip }
Run "pip install" { & $py -m pip install -q -e ".[package]" }
$version = (& $py -c "import importlib.metadata as m; print(m.version('commune-desk'))").Trim()

Run "PyInstaller" { & $py -m PyInstaller --noconfirm --distpath dist --workpath build installer\commune-desk.spec }

# the windowed exe has no console: its verdict is the exit code and logs\selftest.txt
$data = Join-Path $env:TEMP "commune-desk-selftest"
$run = Start-Process -FilePath "dist\CommuneDesk\CommuneDesk.exe" -ArgumentList "--selftest", "--data-dir", "`"$data`"" -Wait -PassThru
Get-Content (Join-Path $data "logs\selftest.txt") -Encoding UTF8
if ($run.ExitCode -ne 0) { throw "CommuneDesk.exe --selftest failed (exit $($run.ExitCode))" }

$setup = Join-Path $root "dist\CommuneDesk-Setup-$version.exe"
Run "makensis" { & $MakeNsis /V2 /WX "/DVERSION=$version" "/DDIST=$root\dist\CommuneDesk" "/DOUTFILE=$setup" installer\commune-desk.nsi }
Write-Output $setup
