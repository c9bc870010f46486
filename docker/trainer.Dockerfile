# surprisal-trainer: the PyTorch training job (CPU image; a CUDA variant swaps the base and torch wheel).
# Build from the repository root: docker build -f docker/trainer.Dockerfile .
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY apps/trainer ./apps/trainer
COPY schemas ./schemas
RUN pip install --no-cache-dir ./apps/trainer
USER nobody
ENTRYPOINT ["python", "-m", "surprisal_trainer"]
