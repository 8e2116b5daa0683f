# The cURL example of seed 004_8df639807c948a41.txt (Together image generation reference), verbatim.
curl -X POST "https://api.together.xyz/v1/images/generations" \
  -H "Authorization: Bearer $TOGETHER_API_KEY" \
  -H "Content-Type: application/json" \
  -d '{
    "prompt": "A sunset over mountains",
    "model": "black-forest-labs/FLUX.1-schnell",
    "width": 1024,
    "height": 1024,
    "steps": 4,
    "n": 1
  }'
